import Foundation
import Grammar
import Render
import XCTest
@testable import MetaSim

/// Whole (tiny) training runs, each built in code: settings, grammar, target, renderer and
/// features as values, results kept by a `MemorySink`.
final class TrainerIntegrationTests: XCTestCase {
    /// The toy problem of `toyTrainer` (square at x = 4 px, target at 11 px, φ the intensity
    /// centroid, no network weights): stage 1 then MMD matching must move the learned x to about
    /// 11, and the run reports every epoch to the sink.
    func testInMemoryRunMovesTheSquareToTheTarget() throws {
        let sink = MemorySink()
        let results = try toyTrainer(sink: sink).run()

        XCTAssertEqual(results.priorAttributeMeans["loc_x"] ?? 0, 4, accuracy: 1e-6)
        XCTAssertEqual(results.learnedAttributeMeans["loc_x"] ?? 0, 11, accuracy: 1.5, "\(results.learnedAttributeMeans)")
        XCTAssertEqual(results.targetAttributeMeans?["loc_x"] ?? 0, 11, accuracy: 1e-6)
        let matching = sink.metrics.filter { $0["stage"] as? String == "matching" }
        XCTAssertEqual(matching.count, 60)
        let firstMMD = try XCTUnwrap(matching.first?["mmd"] as? Double), lastMMD = try XCTUnwrap(matching.last?["mmd"] as? Double)
        XCTAssertLessThan(lastMMD, firstMMD * 0.2, "MMD falls as the square moves")
        XCTAssertEqual(sink.checkpoints.map(\.epoch), [nil, 1, 2, nil], "stage 1 (latest only), each epoch, the complete state")
        XCTAssertEqual(sink.checkpoints.map { $0.state.complete == true }, [false, false, false, true])
        XCTAssertEqual(sink.checkpoints.last?.state.stage, "matching")
        XCTAssertEqual(sink.checkpoints.last?.state.step, 60)
        XCTAssertEqual(sink.checkpoints.last?.state.grammar, "square-prior")
        XCTAssertEqual(Set(sink.grids.keys), ["target", "epoch-001", "epoch-002", "prior", "learned"])
        XCTAssertEqual(sink.grids["target"]?.count, 32)
        XCTAssertNotNil(sink.results)
        XCTAssertTrue(results.priorScores.isEmpty, "no labelled test set, no task scores")
    }

    /// The trainer checks its parts: a grammar with nothing mutable, or target images of another
    /// size than the canvas, are input errors before any work.
    func testTrainerRejectsPartsThatDoNotFit() throws {
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 3, images: 4)
        let experiment = Experiment(grammar: "square", target: .folders(images: "unused"))
        let fixed = try squareGrammar(locX: 4, mutable: false)
        XCTAssertThrowsError(try MetaSimTrainer(experiment: experiment,
                                                parts: try TrainerParts(grammar: fixed, features: centroid, target: target))) {
            XCTAssertTrue("\($0)".contains("no attribute is mutable"), "\($0)")
        }
        let big = try squareGrammar(locX: 4, mutable: true, canvas: 20)
        XCTAssertThrowsError(try MetaSimTrainer(experiment: experiment,
                                                parts: try TrainerParts(grammar: big, features: centroid, target: target))) {
            XCTAssertTrue("\($0)".contains("do not fit the grammar's canvas"), "\($0)")
        }
    }

    /// The MNIST rotation experiment, tiny: every stage runs (stage 3 included), the phase
    /// search finds the target's rotation, and the final comparison scores both generators.
    func testTinyMNISTRunFindsTheRotation() throws {
        var experiment = Experiment(grammar: repositoryRoot + "/examples/grammars/mnist.yaml",
                                    target: .rendered(grammar: repositoryRoot + "/experiments/grammars/mnist-rot90.yaml",
                                                      images: 24, validation: 16, test: 24))
        experiment.features.stages = ["group2", "group3", "group5"]
        experiment.reconstruction.maxSteps = 20
        experiment.reconstruction.batchSize = 8
        experiment.matching = MatchingSettings(phaseSearch: 8, epochs: 1, stepsPerEpoch: 2, batchSize: 24)
        experiment.task = TaskSettings(images: 16, every: 1)
        experiment.taskNetwork = TaskNetworkSettings(trainImages: 32, epochs: 1, batchSize: 16)
        let sink = MemorySink()
        let trainer = try MetaSimTrainer(experiment: experiment, parts: try ExperimentBuilder(experiment).parts(), sink: sink)
        let results = try trainer.run()

        XCTAssertNotNil(results.priorScores["target_accuracy"])
        XCTAssertNotNil(results.metasimScores["target_accuracy"])
        XCTAssertEqual(results.targetAttributeMeans?["yaw"] ?? 0, 90, accuracy: 1e-6)
        // The ceiling: the same network trained on fresh target-grammar images.
        XCTAssertEqual(results.oracleSource, "target_grammar")
        XCTAssertEqual(results.oracleTrainImages, 32)
        XCTAssertNotNil(results.oracleScores["target_accuracy"])
        // Distributions: the target's yaw is 90° everywhere; the prior's spreads around 0°.
        XCTAssertEqual(results.targetAttributeQuantiles?["yaw"]?.count, 5)
        for q in results.targetAttributeQuantiles?["yaw"] ?? [] { XCTAssertEqual(q, 90, accuracy: 1e-6) }
        let prior = try XCTUnwrap(results.priorAttributeQuantiles["yaw"])
        XCTAssertTrue(prior[0] < -5 && prior[4] > 5 && prior == prior.sorted(), "prior yaw ~ N(0, 10): \(prior)")
        let epochRecord = try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "histograms" })
        let quantileSets = try XCTUnwrap(epochRecord["quantiles"] as? [String: Any])
        XCTAssertEqual(Set(quantileSets.keys), ["prior", "learned", "target"])
        let search = try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "phase_search" })
        XCTAssertEqual(search["best_offset"] as? Int, 2, "90° is offset 2 of 8: \(search)")
        XCTAssertTrue(sink.metrics.contains { $0["task_reward"] != nil }, "stage 3 reported a reward")
        // After the shifted stage 1 the generator already rotates digits near 90°.
        XCTAssertEqual(results.learnedAttributeMeans["yaw"] ?? 0, 90, accuracy: 20)
    }

    /// Training through an external engine (the bundled toy renderer, over the JSON Lines
    /// bridge): gradients come from finite differences, and the square still moves to the
    /// target's x = 20. (The step is 2 px: at 0.5 px the secant through EfficientNet's
    /// sub-pixel bumps can point the wrong way where the exact gradient does not.)
    func testTrainingThroughTheExternalRendererMovesTheSquare() throws {
        let prior = try exampleGrammar("shapes.yaml")
        let targetGrammar = try Grammar.parse(
            text: try String(contentsOfFile: prior.file, encoding: .utf8)
                .replacingOccurrences(of: "loc_x: {constant: 8, range: [0, 32], mutable: true}", with: "loc_x: {constant: 20, range: [0, 32]}"),
            file: "target")
        var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "target", images: 16))
        experiment.features.stages = ["group2", "group3"]
        experiment.reconstruction.maxSteps = 50
        experiment.reconstruction.batchSize = 8
        experiment.matching = MatchingSettings(epochs: 1, stepsPerEpoch: 25, batchSize: 8, learningRate: 0.02)
        experiment.taskNetwork.trainImages = 8
        experiment.externalRenderer = ExternalRendererSettings(command: ["python3", repositoryRoot + "/examples/bridge/toy_renderer.py"], step: 2)
        let builder = ExperimentBuilder(experiment)
        let assets = prior.assetRegistry()
        let parts = TrainerParts(grammar: prior, assets: assets, renderer: try builder.renderer(for: prior, assets: assets),
                                 features: try builder.featureNetwork(),
                                 target: try TargetSet.render(grammar: targetGrammar, seed: 1_000_003, images: 16))
        XCTAssertTrue(parts.renderer is ProcessRenderer)
        let results = try MetaSimTrainer(experiment: experiment, parts: parts).run()
        XCTAssertEqual(results.priorAttributeMeans["loc_x"] ?? 0, 8, accuracy: 0.5)
        XCTAssertEqual(results.learnedAttributeMeans["loc_x"] ?? 0, 20, accuracy: 3, "\(results.learnedAttributeMeans)")
    }
}
