import Diagnostics
import Foundation
import Grammar
import XCTest
@testable import MetaSim

/// `task_network.paired_oracle`: the oracle trains on the prior arm's scene graphs with their
/// mutable attributes drawn from the target grammar.
final class PairedOracleTests: XCTestCase {
    private let priorPath = repositoryRoot + "/examples/grammars/mnist.yaml"

    /// The MNIST prior with the digits turned 90° (yaw still mutable, same store): a target
    /// that differs from the prior only in a mutable attribute's draws.
    private func turnedTarget() throws -> Grammar {
        let text = try String(contentsOfFile: priorPath, encoding: .utf8)
        let upright = "yaw: {gaussian: {mean: 0, std: 10}, range: [-180, 180], wrap: true, mutable: true}"
        XCTAssertTrue(text.contains(upright))
        return try Grammar.parse(text: text.replacingOccurrences(of: upright, with: "yaw: {constant: 90, range: [-180, 180], wrap: true, mutable: true}"),
                                 file: "turned.yaml", directory: (priorPath as NSString).deletingLastPathComponent)
    }

    /// Paired, the oracle's images show the prior arm's digits (same classes, same order) turned
    /// as the target grammar turns them; unpaired, fresh target samples (other classes).
    /// `evaluate` reports the paired source.
    func testPairedOracleTrainsOnThePriorScenesWithTargetAttributes() throws {
        let trainer = try tinyMNISTComparisonTrainer(target: try turnedTarget()) { $0.pairedOracle = true }
        let test = try XCTUnwrap(trainer.target.test)
        let seed = trainer.repeatSeed(0)
        let priorSamples = try trainer.generator.generate(count: 16, seed: seed, learned: false)
        let priorLabels = priorSamples.map { Int($0.graph.nodes.first { $0.rule == "Digit" }!.className)! }
        let paired = try XCTUnwrap(trainer.oracleData(test: test, pairedWith: (priorSamples.map(\.graph), seed)))
        XCTAssertEqual(paired.source, "target_grammar_paired")
        XCTAssertEqual(paired.data.labels, priorLabels, "the prior arm's digits")
        let fresh = try XCTUnwrap(trainer.oracleData(test: test))
        XCTAssertNotEqual(fresh.data.labels, priorLabels)
        // The images are the prior's digits turned by 90°: each paired image is its prior image
        // rotated a quarter turn (up to resampling), not the prior image itself.
        let target = try XCTUnwrap(trainer.target.grammar)
        let turned = target.grammar.redrawingMutableAttributes(of: priorSamples[0].graph, seed: seed, index: 0)
        XCTAssertEqual(turned.nodes.first { $0.rule == "Digit" }?.number("yaw"), 90)
        XCTAssertEqual(priorSamples[0].graph.nodes.map(\.asset), turned.nodes.map(\.asset), "the same digit image")

        let results = try trainer.evaluate()
        XCTAssertEqual(results.oracleSource, "target_grammar_paired")
        XCTAssertNotNil(results.oracleScores["target_accuracy"])
    }

    /// The driving experiment's grammars differ only in their mutable draws, so its oracle can
    /// be paired (experiments/driving.yaml).
    func testDrivingGrammarsArePairable() throws {
        let prior = try Grammar.load(path: repositoryRoot + "/experiments/grammars/driving-prior.yaml")
        let target = try Grammar.load(path: repositoryRoot + "/experiments/grammars/driving-target.yaml")
        XCTAssertNil(target.differenceOutsideMutableDraws(from: prior).map { "\($0)" })
    }

    /// Pairing is refused (`task_network.paired_oracle`, naming the first difference) for a
    /// target grammar that differs in more than mutable draws, and for a folder target; YAML
    /// `paired_oracle` without `oracle` is refused at its field.
    func testPairingIsRefusedWhereItCannotHold() throws {
        let prior = try Grammar.load(path: priorPath)
        var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "rot90.yaml", images: 8, test: 8))
        experiment.taskNetwork.pairedOracle = true
        let builder = ExperimentBuilder(experiment)
        let rot90 = try Grammar.load(path: repositoryRoot + "/experiments/grammars/mnist-rot90.yaml")
        let other = try TargetSet.render(grammar: rot90, seed: 5, images: 4, test: 4, classes: (0...9).map(String.init))
        XCTAssertThrowsError(try builder.checkPairable(prior: prior, target: other)) {
            let error = $0 as? InputError
            XCTAssertEqual(error?.path, "task_network.paired_oracle")
            XCTAssertTrue(error?.message.contains("the asset stores differ from those in '\(prior.file)' at stores") == true, "\($0)")
        }
        XCTAssertNoThrow(try builder.checkPairable(prior: prior, target: try TargetSet.render(grammar: try turnedTarget(), seed: 5, images: 4)))
        let folders = TargetSet(images: other.images)
        XCTAssertThrowsError(try builder.checkPairable(prior: prior, target: folders)) {
            XCTAssertTrue("\($0)".contains("needs a target rendered from a grammar"), "\($0)")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("paired-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try """
            grammar: \(priorPath)
            target: {images: somewhere}
            task_network: {oracle: false, paired_oracle: true}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Experiment.load(path: file)) {
            XCTAssertTrue("\($0)".contains("task_network.paired_oracle") && "\($0)".contains("needs oracle: true"), "\($0)")
        }
    }
}
