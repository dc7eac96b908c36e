import Foundation
import Grammar
import NN
import Scene
import Tensor
import XCTest
@testable import MetaSim

final class DistributionTransformerTests: XCTestCase {
    func testGraphConvolutionGradientsMatchFiniteDifferences() {
        // Two graphs of 3 nodes: a chain and a star, padded to 4 nodes.
        var adjacency = [Float](repeating: 0, count: 2 * 16)
        adjacency[0 * 4 + 1] = 1; adjacency[1 * 4 + 2] = 1
        adjacency[16 + 0 * 4 + 1] = 1; adjacency[16 + 0 * 4 + 2] = 1
        let operators = GraphOperators(adjacency: adjacency, graphs: 2, nodes: 4)
        let layer = GraphConvolution(3, 2, seed: 5)
        var rng = SplitMix64(seed: 9)
        let x = Tensor.uniform([2, 4, 3], lo: -1, hi: 1, rng: &rng).requiringGrad()
        var probe = SplitMix64(seed: 1)
        let weights = Tensor.uniform([2, 4, 2], rng: &probe)
        func f(_ input: Tensor) -> Tensor { (layer(input, operators).tanh() * weights).sum() }
        let analytic = gradients(of: f(x), wrt: [x] + layer.trainableParameters.map(\.value))
        // Input gradient.
        let h: Float = 1e-2
        for i in stride(from: 0, to: x.count, by: 5) {
            var plus = x.detached.data, minus = plus
            plus[i] += h; minus[i] -= h
            let fd = (f(Tensor(shape: x.shape, data: plus)).scalar - f(Tensor(shape: x.shape, data: minus)).scalar) / (2 * h)
            XCTAssertEqual(analytic[0].data[i], fd, accuracy: 2e-3, "input \(i)")
        }
        // Parameter gradients (each parameter's first entry).
        for (k, parameter) in layer.trainableParameters.enumerated() {
            let original = parameter.value.detached
            var plus = original.data, minus = plus
            plus[0] += h; minus[0] -= h
            parameter.value = Tensor(shape: original.shape, data: plus)
            let fp = f(x.detached).scalar
            parameter.value = Tensor(shape: original.shape, data: minus)
            let fm = f(x.detached).scalar
            parameter.value = original
            XCTAssertEqual(analytic[k + 1].data[0], (fp - fm) / (2 * h), accuracy: 2e-3, "parameter \(k)")
        }
    }

    func testPaddedNodesSendNothingAndImmutableEntriesPassThrough() throws {
        let grammar = try exampleGrammar("shapes.yaml")
        let graphs = try grammar.sample(seed: 3, range: 0..<4)
        let batch = SceneEncoder(grammar.schema).encode(graphs)
        let g = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count, hidden: [8, 4, 8], seed: 1)
        let out = g(batch)
        for i in 0..<out.count where batch.mutableMask[i] == 0 {
            XCTAssertEqual(out.data[i], batch.features[i], "entry \(i) is immutable and must pass through")
        }
        XCTAssertTrue(zip(out.data, batch.features).enumerated().contains { batch.mutableMask[$0.offset] == 1 && $0.element.0 != $0.element.1 })
    }

    /// A residual transformer whose last layer outputs 0 reproduces every mutable input value
    /// (within the clamp of `residualInputBound`), and an ignored column gets no skip (σ(0) =
    /// 0.5 whatever its input); a plain transformer with the same weights does not reproduce them.
    func testResidualTransformerWithZeroOutputIsTheIdentity() throws {
        let grammar = try exampleGrammar("city.yaml")
        let batch = SceneEncoder(grammar.schema).encode(try grammar.sample(seed: 3, range: 0..<6))
        let c = grammar.schema.classes.count
        let ignored = try XCTUnwrap((c..<grammar.schema.width).first { column in
            stride(from: column, to: batch.features.count, by: batch.width).contains { batch.mutableMask[$0] == 1 }
        })
        func transformer(residual: Bool) -> DistributionTransformer {
            let g = DistributionTransformer(width: grammar.schema.width, classCount: c, hidden: [8, 4, 8], seed: 1,
                                            ignoredClassColumns: [ignored], residual: residual)
            for parameter in g.layers.last!.trainableParameters {
                parameter.value = Tensor(shape: parameter.value.shape, data: [Float](repeating: 0, count: parameter.value.count))
            }
            return g
        }
        let out = transformer(residual: true)(batch), plain = transformer(residual: false)(batch)
        var checked = 0, plainDiffers = false
        for i in 0..<out.count where batch.mutableMask[i] == 1 && i % batch.width >= c {
            let x = batch.features[i]
            if i % batch.width == ignored {
                XCTAssertEqual(out.data[i], 0.5, accuracy: 1e-6, "ignored column \(ignored): no skip")
                continue
            }
            let bound = DistributionTransformer.residualInputBound
            XCTAssertEqual(out.data[i], min(max(x, bound), 1 - bound), accuracy: 1e-5, "entry \(i)")
            if abs(plain.data[i] - x) > 1e-3 { plainDiffers = true }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
        XCTAssertTrue(plainDiffers, "a plain head with zero output gives 0.5, not the input")
        let (attributes, _) = transformer(residual: true).reconstructionLosses(batch)
        XCTAssertGreaterThan(attributes.scalar, 0, "stage 1's error counts the ignored column's miss")
    }

    /// The residual flag travels with a checkpoint: the loaded transformer gives the same outputs.
    func testResidualFlagIsSavedWithTheCheckpoint() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("residual-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let grammar = try exampleGrammar("shapes.yaml")
        let g = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count, hidden: [5], seed: 4,
                                        residual: true)
        var state = CheckpointState(grammar: "shapes.yaml", schema: grammar.schema, hidden: [5], seed: 4, stage: "matching",
                                    epoch: 1, step: 1, sampleCursor: 0)
        state.residual = true
        try state.save(g, to: folder + "/transformer")
        let (loadedState, loaded) = try CheckpointState.load(from: folder + "/transformer")
        XCTAssertEqual(loadedState.residual, true)
        XCTAssertTrue(loaded.residual)
        let batch = SceneEncoder(grammar.schema).encode(try grammar.sample(seed: 2, range: 0..<3))
        XCTAssertEqual(loaded(batch).data, g(batch).data)
    }

    /// With a blind spread s, an ignored column's output is the plain transformer's plus s · (x − ½)
    /// (x its input), other columns are unchanged; s travels with a checkpoint.
    func testBlindSpreadAddsTheScaledInputAndIsSavedWithTheCheckpoint() throws {
        let grammar = try exampleGrammar("city.yaml")
        let classCount = grammar.schema.classes.count
        let batch = SceneEncoder(grammar.schema).encode(try grammar.sample(seed: 3, range: 0..<6))
        let ignored = try XCTUnwrap((classCount..<grammar.schema.width).first { column in
            stride(from: column, to: batch.features.count, by: batch.width).contains { batch.mutableMask[$0] == 1 }
        })
        func transformer(spread: Float) -> DistributionTransformer {
            DistributionTransformer(width: grammar.schema.width, classCount: classCount, hidden: [5], seed: 4,
                                    ignoredClassColumns: [ignored], blindSpread: spread)
        }
        let spread = transformer(spread: 0.25), plain = transformer(spread: 0)
        let (a, b) = (spread(batch).data, plain(batch).data)
        var checked = 0
        for i in a.indices where batch.mutableMask[i] != 0 {
            let extra: Float = i % batch.width == ignored ? 0.25 * (batch.features[i] - 0.5) : 0
            XCTAssertEqual(a[i], b[i] + extra, accuracy: 1e-6, "entry \(i)")
            if extra != 0 { checked += 1 }
        }
        XCTAssertGreaterThan(checked, 0, "the batch has mutable entries of the ignored column")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spread-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var state = CheckpointState(grammar: "city.yaml", schema: grammar.schema, hidden: [5], seed: 4, stage: "matching",
                                    epoch: 1, step: 1, sampleCursor: 0)
        state.ignoredClassColumns = [ignored]
        state.blindSpread = 0.25
        state.stageOneShifts = [ignored: AttributeShift(amount: 0.1, spread: 0.4, centre: 0.5)]
        try state.save(spread, to: folder + "/transformer")
        let (loadedState, loaded) = try CheckpointState.load(from: folder + "/transformer")
        XCTAssertEqual(loadedState.blindSpread, 0.25)
        XCTAssertEqual(loadedState.stageOneShifts, state.stageOneShifts, "a narrowing shift survives the round trip")
        XCTAssertEqual(loaded(batch).data, a)
        state.blindSpread = 2
        XCTAssertTrue(state.problems.contains { $0.path == "blindSpread" })
        state.stageOneShifts = [ignored: AttributeShift(amount: .nan, spread: 1.5, centre: 2), -1: AttributeShift(amount: 0, wraps: true)]
        XCTAssertEqual(state.problems.map(\.path).filter { $0.hasPrefix("stageOneShifts") },
                       ["stageOneShifts[-1]", "stageOneShifts[\(ignored)].amount", "stageOneShifts[\(ignored)].spread",
                        "stageOneShifts[\(ignored)].centre"])
        var lone = AttributeShift(amount: 0, wraps: false)
        lone.spread = 0.5
        state.stageOneShifts = [ignored: lone]
        XCTAssertTrue(state.problems.contains { $0.path == "stageOneShifts[\(ignored)]" && $0.message.contains("together") },
                      "a spread without its centre would be ignored by apply")
    }

    /// With a digit's class ignored, two graphs that differ only in the digit get the same
    /// change; with it seen, they do not (the test can fail).
    func testIgnoredClassesGetTheSameChange() throws {
        let grammar = try exampleGrammar("mnist.yaml")
        let graphs = try grammar.sample(seed: 3, range: 0..<40, assets: grammar.assetRegistry())
        let digits = graphs.map { $0.nodes.last!.className }
        let (i, j) = try XCTUnwrap((1..<graphs.count).lazy.map { (0, $0) }.first { digits[$0.0] != digits[$0.1] })
        var pair = [graphs[i], graphs[j]]
        // Same attributes, different digit.
        pair[1].nodes = pair[0].nodes
        pair[1].nodes[pair[1].nodes.count - 1].className = digits[j]
        let batch = SceneEncoder(grammar.schema).encode(pair)
        let rowWidth = batch.maxNodes * batch.width
        func outputs(ignoring names: [String]) -> (Tensor, Int) {
            let columns = Set(names.compactMap { grammar.schema.classes.firstIndex(of: $0) })
            let g = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count,
                                            hidden: [8, 4, 8], seed: 1, ignoredClassColumns: columns)
            return (g(batch), columns.count)
        }
        let digitClasses = (0..<10).map(String.init)
        let (blind, count) = outputs(ignoring: digitClasses)
        XCTAssertEqual(count, 10)
        let (seeing, _) = outputs(ignoring: [])
        var differs = false
        for k in 0..<rowWidth where batch.mutableMask[k] == 1 {
            XCTAssertEqual(blind.data[k], blind.data[rowWidth + k], accuracy: 1e-6, "entry \(k)")
            if abs(seeing.data[k] - seeing.data[rowWidth + k]) > 1e-5 { differs = true }
        }
        XCTAssertTrue(differs, "a transformer that sees the class changes the two digits differently")
    }

    /// With `yaw` ignored, two graphs that differ only in the digit's yaw get the same output
    /// (every mutable entry); with it seen, they do not (the test can fail).
    func testIgnoredAttributesDoNotReachTheOutput() throws {
        let grammar = try exampleGrammar("mnist.yaml")
        var pair = try grammar.sample(seed: 3, range: 0..<1, assets: grammar.assetRegistry())
        pair.append(pair[0])
        let digit = pair[1].nodes.count - 1
        pair[1].nodes[digit].attributes["yaw"] = .number(70)
        let batch = SceneEncoder(grammar.schema).encode(pair)
        let rowWidth = batch.maxNodes * batch.width
        var experiment = Experiment(grammar: grammar.file, target: .folders(images: "unused"))
        experiment.transformer.ignoreAttributes = ["yaw"]
        let columns = try MetaSimTrainer.ignoredClassColumns(experiment, grammar: grammar)
        XCTAssertEqual(columns, [try XCTUnwrap(grammar.schema.column(ofAttribute: "yaw"))])
        func outputs(_ columns: Set<Int>) -> Tensor {
            DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count,
                                    hidden: [8, 4, 8], seed: 1, ignoredClassColumns: columns)(batch)
        }
        let blind = outputs(columns), seeing = outputs([])
        var differs = false
        for k in 0..<rowWidth where batch.mutableMask[k] == 1 {
            XCTAssertEqual(blind.data[k], blind.data[rowWidth + k], accuracy: 1e-6, "entry \(k)")
            if abs(seeing.data[k] - seeing.data[rowWidth + k]) > 1e-5 { differs = true }
        }
        XCTAssertTrue(differs, "a transformer that sees the yaw changes the two digits differently")
        experiment.transformer.ignoreAttributes = ["yaw", "size"]
        XCTAssertThrowsError(try MetaSimTrainer.ignoredClassColumns(experiment, grammar: grammar)) {
            XCTAssertTrue("\($0)".contains("transformer.ignore_attributes[1]") && "\($0)".contains("'size' is not a mutable attribute"), "\($0)")
        }
    }

    func testAnUnknownIgnoredClassIsRefused() throws {
        let grammar = try exampleGrammar("mnist.yaml")
        var experiment = Experiment(grammar: grammar.file, target: .folders(images: "unused"))
        experiment.transformer.ignoreClasses = ["0", "ten"]
        XCTAssertThrowsError(try MetaSimTrainer.ignoredClassColumns(experiment, grammar: grammar)) {
            XCTAssertTrue("\($0)".contains("transformer.ignore_classes[1]") && "\($0)".contains("'ten' is not a class"), "\($0)")
        }
        experiment.transformer.ignoreClasses = ["0", "9"]
        XCTAssertEqual(try MetaSimTrainer.ignoredClassColumns(experiment, grammar: grammar).count, 2)
    }

    /// Stage 1 on a toy grammar whose mutable attributes vary from sample to sample (several
    /// shapes per scene, different classes): the transformer learns to give back its input.
    func testReconstructionConverges() throws {
        let grammar = try Grammar.parse(text: """
            canvas: {width: 32, height: 32, channels: 1}
            root: Canvas
            rules:
              Canvas:
                children: [{rule: Blob, count: {uniform_int: [1, 3]}}]
              Blob:
                class: {categorical: [square, disc]}
                attributes:
                  shape: rectangle
                  loc_x: {uniform: [4, 28], range: [0, 32], mutable: true}
                  loc_y: {gaussian: {mean: 16, std: 4}, range: [0, 32], mutable: true}
                  size: {uniform: [4, 8], range: [0, 16]}
            """, file: "toy.yaml")
        let encoder = SceneEncoder(grammar.schema)
        let g = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count, hidden: [30, 18, 30], seed: 2)
        let optimizer = Adam(g.trainableParameters, learningRate: 0.01)
        var last: Float = .infinity
        for step in 0..<1500 {
            let batch = encoder.encode(try grammar.sample(seed: 11, range: (step * 16)..<(step * 16 + 16)))
            let (attributes, classes) = g.reconstructionLosses(batch)
            last = attributes.scalar
            if last < 2e-4 { break }  // before the step: Adam's steps stay ~lr in size however small the loss
            optimizer.step(g.gradients(of: attributes + 0.1 * classes))
        }
        XCTAssertLessThan(last, 2e-4)
        let batch = encoder.encode(try grammar.sample(seed: 99, range: 0..<16))
        let out = g(batch)
        var worst: Float = 0
        for i in 0..<out.count where batch.mutableMask[i] == 1 { worst = max(worst, abs(out.data[i] - batch.features[i])) }
        XCTAssertLessThan(worst, 0.06, "unseen samples must be reproduced too")
    }
}
