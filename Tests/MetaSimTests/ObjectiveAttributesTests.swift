import Grammar
import NN
import Scene
import Tensor
import XCTest
@testable import MetaSim

/// `matching.mmd_attributes` and `task.attributes`: each objective moves only the attributes it
/// is given.
final class ObjectiveAttributesTests: XCTestCase {
    /// A 16×16 square at (x, y), both mutable.
    private func squares(x: Double, y: Double) throws -> Grammar {
        try squareGrammar(locX: x, mutable: true, locY: y)
    }

    func testColumnMaskKeepsValuesAndZeroesOtherGradients() {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]).requiringGrad()
        let weights = Tensor(shape: [2, 3], data: [0.5, -1, 2, 3, 7, -4])
        let masked = AttributeColumnMask(columns: [0, 2]).passingGradient(x, width: 3)
        XCTAssertEqual(masked.data, x.data)
        let g = gradients(of: (masked * weights).sum(), wrt: [x])[0]
        XCTAssertEqual(g.data, [0.5, 0, 2, 3, 0, -4])
        XCTAssertEqual(AttributeColumnMask(columns: [1]).restricting([1, 1, 0, 1, 1, 1], width: 3), [0, 1, 0, 0, 1, 0])
    }

    /// MMD²'s gradient restricted to x plus restricted to y is the whole gradient (the square's
    /// other columns get none), and each part differs from it: the restriction acts.
    func testMMDGradientSplitsOverItsAttributes() throws {
        let prior = try squares(x: 4, y: 5)
        let compositor = try renderer(for: prior)
        let encoder = SceneEncoder(prior.schema)
        let targets = tensor(try compositor.render(try squares(x: 11, y: 10).sample(seed: 1, range: 0..<8)).map(\.image))
        let mmd = FeatureMMD(features: centroid, targetImages: targets, scales: [0.25, 1, 4], unbiased: false, maxSamples: 4096)
        let transformer = DistributionTransformer(width: prior.schema.width, classCount: prior.schema.classes.count, hidden: [8], seed: 2)
        let parameters = transformer.trainableParameters
        let graphs = try prior.sample(seed: 3, range: 0..<8)
        func grads(_ names: [String]?) throws -> [Float] {
            let columns = names.map { Set($0.map { prior.schema.column(ofAttribute: $0)! }) }
            let matching = DistributionMatching(transformer: transformer, renderer: DifferentiableRenderer(renderer: compositor, encoder: encoder),
                                                mmd: mmd, mmdColumns: columns)
            let step = try matching.step(graphs, parameters: parameters)
            return parameters.flatMap { step.gradients[$0]!.data }
        }
        let all = try grads(nil), x = try grads(["loc_x"]), y = try grads(["loc_y"])
        let scale = all.map(abs).max()!
        XCTAssertGreaterThan(scale, 0)
        for k in all.indices { XCTAssertEqual(x[k] + y[k], all[k], accuracy: 1e-5 * scale, "entry \(k)") }
        XCTAssertGreaterThan(zip(x, all).map { abs($0 - $1) }.max()!, 0.01 * scale, "restricting to x changes the gradient")
        XCTAssertGreaterThan(zip(y, all).map { abs($0 - $1) }.max()!, 0.01 * scale, "restricting to y changes the gradient")
        XCTAssertEqual(try grads([]).map(abs).max(), 0, "no attribute: no gradient")
    }

    /// `matching.hold_weight`: MMD² moves x only (`mmd_attributes: [loc_x]`); y, which the
    /// target has elsewhere (10 px against the prior's 5), drifts with G_θ's shared weights as x is
    /// learned unless held. With the hold, y stays within a tenth of the drift without it, and x
    /// is learned as well as without it.
    func testHoldKeepsTheOtherAttributesWhereStageOnePutThem() throws {
        let prior = try squares(x: 4, y: 5)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false, locY: 10), seed: 3, images: 32)
        func run(hold: Double) throws -> (x: Double, y: Double, holdMSE: [Double]) {
            var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "square-target", images: 32), name: "hold", seed: 4)
            experiment.transformer.hidden = [16, 8, 16]
            experiment.reconstruction = ReconstructionSettings(maxSteps: 150, threshold: 1e-4, learningRate: 0.02, batchSize: 8)
            experiment.matching = MatchingSettings(phaseSearch: 0, epochs: 1, stepsPerEpoch: 40, batchSize: 8, learningRate: 0.02)
            experiment.matching.mmdAttributes = ["loc_x"]
            experiment.matching.holdWeight = hold
            let sink = MemorySink()
            let trainer = try MetaSimTrainer(experiment: experiment, parts: try TrainerParts(grammar: prior, features: centroid, target: target),
                                             sink: sink)
            try trainer.reconstruct()
            try trainer.match()
            let graphs = try trainer.generate(count: 16, seed: 9, start: 0).map(\.graph)
            let ys = graphs.flatMap { $0.nodes.compactMap { $0.mutable.contains("loc_y") ? $0.number("loc_y") : nil } }
            return (mean(squareXs(graphs)), mean(ys), sink.metrics.compactMap { $0["hold_mse"] as? Double })
        }
        let free = try run(hold: 0), held = try run(hold: 10)
        XCTAssertTrue(free.holdMSE.isEmpty, "no hold term without a weight")
        XCTAssertEqual(held.holdMSE.count, 40)
        XCTAssertGreaterThan(abs(free.y - 5), 0.5, "without the hold y drifts (\(free.y) px)")
        XCTAssertLessThan(abs(held.y - 5), 0.1 * abs(free.y - 5), "held y \(held.y) px, free \(free.y) px")
        XCTAssertGreaterThan(held.x, 9, "x is still learned (\(held.x) px; free \(free.x) px, target 11)")
    }

    func testHoldNeedsAnAttributeToHold() throws {
        let grammar = try squares(x: 4, y: 5)
        var experiment = Experiment(grammar: grammar.file, target: .folders(images: "unused"))
        experiment.matching.holdWeight = 1
        let x = grammar.schema.column(ofAttribute: "loc_x")!, y = grammar.schema.column(ofAttribute: "loc_y")!
        XCTAssertEqual(try MetaSimTrainer.holdColumns(experiment, grammar: grammar, mmdColumns: [x], taskColumns: nil), [y])
        for mmd in [nil, Set([x, y])] as [Set<Int>?] {
            XCTAssertThrowsError(try MetaSimTrainer.holdColumns(experiment, grammar: grammar, mmdColumns: mmd, taskColumns: nil)) {
                XCTAssertTrue("\($0)".contains("matching.hold_weight") && "\($0)".contains("nothing to hold"), "\($0)")
            }
        }
        experiment.matching.holdWeight = 0
        XCTAssertEqual(try MetaSimTrainer.holdColumns(experiment, grammar: grammar, mmdColumns: [x], taskColumns: nil), [])
    }

    func testObjectiveAttributesMustBeMutable() throws {
        let grammar = try squares(x: 4, y: 5)
        let experiment = Experiment(grammar: grammar.file, target: .folders(images: "unused"))
        let columns = try MetaSimTrainer.mutableColumns(["loc_y"], path: "task.attributes", experiment: experiment, grammar: grammar)
        XCTAssertEqual(columns, [grammar.schema.column(ofAttribute: "loc_y")!])
        XCTAssertThrowsError(try MetaSimTrainer.mutableColumns(["loc_x", "size"], path: "matching.mmd_attributes",
                                                               experiment: experiment, grammar: grammar)) {
            XCTAssertTrue("\($0)".contains("matching.mmd_attributes[1]") && "\($0)".contains("'size' is not a mutable attribute"), "\($0)")
        }
    }
}
