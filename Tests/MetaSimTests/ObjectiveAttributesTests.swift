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
