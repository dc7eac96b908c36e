import Foundation
import XCTest
@testable import MetaSim

/// A whole (tiny) run of the MNIST rotation experiment: inputs checked, every stage run, every
/// promised file written, and the phase search finds the target's rotation.
final class TrainerIntegrationTests: XCTestCase {
    func testTinyRunWritesEverythingAndFindsTheRotation() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let experimentPath = folder.appendingPathComponent("tiny.yaml").path
        try """
            grammar: \(repositoryRoot)/examples/grammars/mnist.yaml
            target:
              render: {grammar: \(repositoryRoot)/experiments/grammars/mnist-rot90.yaml, images: 24, validation: 16, test: 24}
            features: {stages: [group2, group3, group5]}
            reconstruction: {max_steps: 20, batch_size: 8}
            matching: {epochs: 1, steps_per_epoch: 2, batch_size: 24, phase_search: 8}
            task: {images: 16, every: 1}
            task_network: {train_images: 32, epochs: 1, batch_size: 16}
            """.write(toFile: experimentPath, atomically: true, encoding: .utf8)
        let run = folder.appendingPathComponent("run").path
        let trainer = try MetaSimTrainer(experiment: try Experiment.load(path: experimentPath), runDirectory: run, quiet: true)
        let results = try trainer.run()

        for file in ["transformer.safetensors", "transformer.json", "checkpoints/epoch-001.json", "checkpoints/epoch-001.safetensors",
                     "metrics.jsonl", "results.json", "grids/target.png", "grids/epoch-001.png", "grids/prior.png", "grids/learned.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/" + file), file)
        }
        XCTAssertNotNil(results.priorScores["target_accuracy"])
        XCTAssertNotNil(results.metasimScores["target_accuracy"])
        XCTAssertEqual(results.targetAttributeMeans?["yaw"] ?? 0, 90, accuracy: 1e-6)
        let metrics = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let search = try XCTUnwrap(metrics.first { $0["stage"] as? String == "phase_search" })
        XCTAssertEqual(search["best_offset"] as? Int, 2, "90° is offset 2 of 8: \(search)")
        XCTAssertTrue(metrics.contains { $0["task_reward"] != nil }, "stage 3 reported a reward")
        // After the shifted stage 1 the generator already rotates digits near 90°.
        XCTAssertEqual(results.learnedAttributeMeans["yaw"] ?? 0, 90, accuracy: 20)
    }

    /// Training through an external engine (the bundled toy renderer, over the JSON Lines
    /// bridge): gradients come from finite differences, and the square still moves to the
    /// target's x = 20. (The step is 2 px: at 0.5 px the secant through EfficientNet's
    /// sub-pixel bumps can point the wrong way where the exact gradient does not.)
    func testTrainingThroughTheExternalRendererMovesTheSquare() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let targetGrammar = folder.appendingPathComponent("target.yaml").path
        try String(contentsOfFile: repositoryRoot + "/examples/grammars/shapes.yaml", encoding: .utf8)
            .replacingOccurrences(of: "loc_x: {constant: 8, range: [0, 32], mutable: true}", with: "loc_x: {constant: 20, range: [0, 32]}")
            .write(toFile: targetGrammar, atomically: true, encoding: .utf8)
        let experimentPath = folder.appendingPathComponent("e.yaml").path
        try """
            grammar: \(repositoryRoot)/examples/grammars/shapes.yaml
            target: {render: {grammar: \(targetGrammar), images: 16}}
            features: {stages: [group2, group3]}
            reconstruction: {max_steps: 50, batch_size: 8}
            matching: {epochs: 1, steps_per_epoch: 25, batch_size: 8, learning_rate: 0.02}
            task_network: {train_images: 8}
            renderer: {command: [python3, \(repositoryRoot)/examples/bridge/toy_renderer.py], fd_step: 2}
            """.write(toFile: experimentPath, atomically: true, encoding: .utf8)
        let trainer = try MetaSimTrainer(experiment: try Experiment.load(path: experimentPath),
                                         runDirectory: folder.appendingPathComponent("run").path, quiet: true)
        let results = try trainer.run()
        XCTAssertEqual(results.priorAttributeMeans["loc_x"] ?? 0, 8, accuracy: 0.5)
        XCTAssertEqual(results.learnedAttributeMeans["loc_x"] ?? 0, 20, accuracy: 3, "\(results.learnedAttributeMeans)")
    }
}
