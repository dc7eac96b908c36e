import Foundation
import Grammar
import XCTest
@testable import MetaSim

/// `task_network.repeats`: the final comparison trains each task network several times and
/// reports means, each repeat's scores beside them.
final class EvaluationRepeatsTests: XCTestCase {
    /// The tiny MNIST comparison (target at 90°) training each network `repeats` times.
    private func trainer(repeats: Int) throws -> MetaSimTrainer {
        try tinyMNISTComparisonTrainer(target: try Grammar.load(path: repositoryRoot + "/experiments/grammars/mnist-rot90.yaml")) {
            $0.repeats = repeats
        }
    }

    /// Three repeats: each side's score is the mean of its three trainings; the first repeat is
    /// the single comparison (same figures as `repeats: 1`); the repeats differ from each other
    /// (fresh samples and seeds); results.json lists them as `<side>_<metric>_runs`.
    func testRepeatsReportTheMeanOfFreshTrainings() throws {
        let three = try trainer(repeats: 3)
        let single = try trainer(repeats: 1).evaluate()
        XCTAssertTrue(single.priorScoreRuns.isEmpty)
        let results = try three.evaluate()

        for (name, means, runs) in [("prior", results.priorScores, results.priorScoreRuns),
                                    ("metasim", results.metasimScores, results.metasimScoreRuns),
                                    ("oracle", results.oracleScores, results.oracleScoreRuns)] {
            XCTAssertEqual(runs.count, 3, name)
            let accuracies = runs.compactMap { $0["target_accuracy"] }
            XCTAssertEqual(accuracies.count, 3, name)
            XCTAssertEqual(means["target_accuracy"] ?? -1, accuracies.reduce(0, +) / 3, accuracy: 1e-12, name)
        }
        XCTAssertEqual(results.priorScoreRuns[0], single.priorScores, "repeat 1 is the single comparison")
        XCTAssertEqual(results.metasimScoreRuns[0], single.metasimScores)
        XCTAssertEqual(results.oracleScoreRuns[0], single.oracleScores)
        XCTAssertEqual(results.priorAttributeMeans, single.priorAttributeMeans, "statistics come from repeat 1")
        XCTAssertEqual(Set((0..<3).map(three.repeatSeed)).count, 3, "each repeat has its own seed")
        let test = try XCTUnwrap(three.target.test)
        let first = try XCTUnwrap(three.oracleData(test: test, block: 0)), second = try XCTUnwrap(three.oracleData(test: test, block: 1))
        XCTAssertEqual(first.data.count, 16)
        XCTAssertNotEqual(first.data.labels, second.data.labels, "the oracle's repeats train on other target samples")

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(results)) as? [String: Any]
        XCTAssertEqual((json?["oracle_target_accuracy_runs"] as? [Double])?.count, 3)
        XCTAssertNotNil(json?["prior_target_accuracy"] as? Double)
        let plain = try JSONSerialization.jsonObject(with: JSONEncoder().encode(single)) as? [String: Any]
        XCTAssertNil(plain?["prior_target_accuracy_runs"], "a single training lists no runs")
    }
}
