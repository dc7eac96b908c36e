import Codecs
import Diagnostics
import NN
import Tensor
import XCTest
@testable import MetaSim

/// The pieces that let MetaSim run as a library: gradients matched by identity, run sinks,
/// the builder's environment handling.
final class LibraryPartsTests: XCTestCase {
    func testGradientsAddByParameterIdentityWhateverTheOrder() {
        let a = Parameter(Tensor(shape: [2], data: [0, 0])), b = Parameter(Tensor(shape: [1], data: [0]))
        let c = Parameter(Tensor(shape: [3], data: [0, 0, 0]))
        let first = Gradients([a, b], [Tensor(shape: [2], data: [1, 2]), Tensor(shape: [1], data: [3])])
        let second = Gradients([b, a], [Tensor(shape: [1], data: [10]), Tensor(shape: [2], data: [20, 30])])
        let sum = first + second
        XCTAssertEqual(sum[a]?.data, [21, 32])
        XCTAssertEqual(sum[b]?.data, [13])
        XCTAssertNil(sum[c])
        XCTAssertEqual(sum.ordered(for: [c, b, a]).map(\.data), [[0, 0, 0], [13], [21, 32]])
        // An optimiser steps each parameter with its own gradient.
        let sgd = SGD([b, a], learningRate: 1)
        sgd.step(sum)
        XCTAssertEqual(a.value.data, [-21, -32])
        XCTAssertEqual(b.value.data, [-13])
    }

    func testFolderSinkWritesTheRunFolderLayout() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let grammar = try squareGrammar(locX: 4, mutable: true)
        let transformer = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count, hidden: [4], seed: 1)
        let state = CheckpointState(grammar: grammar.file, schema: grammar.schema, hidden: [4], seed: 1, stage: "matching",
                                    epoch: 1, step: 3, sampleCursor: 9)
        let sink = try FolderSink(creating: path)
        try sink.saveCheckpoint(state, transformer: transformer, epoch: 1)
        try sink.record(["stage": "matching", "mmd": 0.5])
        try sink.record(["stage": "matching", "mmd": 0.25])
        try sink.writeGrid(name: "epoch-001", images: [Image(width: 4, height: 4, channels: 1, fill: 1)])
        try sink.writeResults(RunResults(experiment: "toy", trainImages: 1, testImages: 0))
        for file in ["transformer.safetensors", "transformer.json", "checkpoints/epoch-001.json", "checkpoints/epoch-001.safetensors",
                     "metrics.jsonl", "results.json", "grids/epoch-001.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path + "/" + file), file)
        }
        let lines = try String(contentsOfFile: path + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines, [#"{"mmd":0.5,"stage":"matching"}"#, #"{"mmd":0.25,"stage":"matching"}"#])
        var loaded = try CheckpointState.load(from: path + "/checkpoints/epoch-001").0
        XCTAssertEqual(loaded.weightsSHA256?.count, 64, "the saved state records its weights' SHA-256")
        loaded.weightsSHA256 = nil
        XCTAssertEqual(loaded, state)
    }

    func testBuilderReadsWeightsFromTheEnvironmentGiven() throws {
        let experiment = Experiment(grammar: "unused", target: .folders(images: "unused"))
        let missing = "/nonexistent/efficientnet.safetensors"
        XCTAssertThrowsError(try ExperimentBuilder(experiment, environment: ["METASIM_EFFICIENTNET": missing]).featureNetwork()) {
            XCTAssertTrue("\($0)".contains(missing), "the error names the file: \($0)")
        }
        // Without the variable the bundled copy is found.
        XCTAssertNoThrow(try ExperimentBuilder(experiment, environment: [:]).featureNetwork())
    }

    func testSilentProgressAndMemorySinkRecord() throws {
        let task = SilentProgress().start("x", total: 3)
        task.advance(status: "fine")
        task.finish()
        let sink = MemorySink()
        sink.record(["a": 1])
        try sink.writeGrid(name: "g", images: [])
        XCTAssertEqual(sink.metrics.count, 1)
        XCTAssertEqual(sink.grids["g"]?.count, 0)
    }
}
