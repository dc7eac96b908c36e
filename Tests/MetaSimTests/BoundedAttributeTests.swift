import Grammar
import NN
import Scene
import Tensor
import XCTest
@testable import MetaSim

/// Attributes whose prior sits on a bound of their range (issue 10): the transformer's output
/// head reaches the bound exactly and still passes a gradient that moves the value inward.
final class BoundedAttributeTests: XCTestCase {
    /// Inside (0, 1) the head's gradient is 1/4 (finite differences); on a bound it passes
    /// only a gradient whose descent step points back inside.
    func testOutputHeadGradient() {
        let x = Tensor(shape: [5], data: [-3, -0.4, 0.3, 1.2, 3]).requiringGrad()
        let y = x.unitIntervalOutput()
        XCTAssertEqual(y.data, [0, 0.4, 0.575, 0.8, 1])
        for (i, h) in [(1, Float(1e-2)), (2, 1e-2), (3, 1e-2)] {
            var up = x.data, down = x.data
            up[i] += h; down[i] -= h
            let fd = (Tensor(shape: [5], data: up).unitIntervalOutput().data[i] - Tensor(shape: [5], data: down).unitIntervalOutput().data[i]) / (2 * h)
            XCTAssertEqual(fd, 0.25, accuracy: 1e-3)
        }
        // Seeds: descent on x[0] (at 0) with g = -1 raises it (passes); g = +1 would lower it (blocked).
        let inward = gradients(of: y, seed: Tensor(shape: [5], data: [-1, 1, 1, 1, 1]), wrt: [x])[0].data
        XCTAssertEqual(inward, [-0.25, 0.25, 0.25, 0.25, 0.25])
        let outward = gradients(of: y, seed: Tensor(shape: [5], data: [1, 1, 1, 1, -1]), wrt: [x])[0].data
        XCTAssertEqual(outward, [0, 0.25, 0.25, 0.25, 0])
    }

    /// A background level whose prior is 0, the bottom of its range [0, 1]: stage 1 reproduces
    /// it exactly (0, on the bound), and MMD on the mean grey level then moves it to the
    /// target's 0.3. With a sigmoid head it stayed at ~1e-10 (no gradient through the saturated output).
    func testPriorOnBoundMovesToTargetInside() throws {
        func grammar(level: Double, mutable: Bool) throws -> Grammar {
            try Grammar.parse(text: """
                canvas: {width: 8, height: 8, channels: 1}
                root: Image
                rules:
                  Image:
                    children: [Background, Square]
                  Background:
                    attributes:
                      background: constant
                      texture: {constant: \(level), range: [0, 1], mutable: \(mutable)}
                  Square:
                    attributes: {shape: rectangle, texture: 1, size: 2, loc_x: 4, loc_y: 4}
                """, file: "bound-\(level)")
        }
        let prior = try grammar(level: 0, mutable: true)
        let compositor = try renderer(for: prior)
        let encoder = SceneEncoder(prior.schema)
        let meanGrey = FeatureFunction { $0.mean(axes: [2, 3]) }  // [N, 1, 8, 8] -> [N, 1]
        let targetGraphs = try grammar(level: 0.3, mutable: false).sample(seed: 9, range: 0..<16)
        let bank = meanGrey.features(of: tensor(try compositor.render(targetGraphs).map(\.image)))
        let mmd = MMD(target: bank.data, count: 16, dimension: 1)

        let transformer = DistributionTransformer(width: prior.schema.width, classCount: prior.schema.classes.count,
                                                  hidden: [8, 4, 8], seed: 5)
        let stage1 = Adam(transformer.trainableParameters, learningRate: 0.02)
        for step in 0..<300 {
            let (a, c) = transformer.reconstructionLosses(encoder.encode(try prior.sample(seed: 1, range: (step * 8)..<(step * 8 + 8))))
            if a.scalar < 1e-6 { break }
            stage1.step(transformer.gradients(of: a + 0.1 * c))
        }
        let matching = DistributionMatching(transformer: transformer,
                                            renderer: DifferentiableRenderer(renderer: compositor, encoder: encoder),
                                            features: meanGrey, mmd: mmd)
        func levels(_ graphs: [SceneGraph]) -> [Double] {
            graphs.flatMap { $0.nodes.compactMap { $0.mutable.contains("texture") ? $0.number("texture") : nil } }
        }
        let start = try matching.step(try prior.sample(seed: 2, range: 0..<16), parameters: [])
        XCTAssertEqual(mean(levels(start.graphs)), 0, accuracy: 1e-3, "stage 1 reproduces the prior on its bound")
        let parameters = transformer.trainableParameters
        let optimizer = Adam(parameters, learningRate: 0.01)
        var learned: [Double] = []
        for step in 0..<120 {
            let result = try matching.step(try prior.sample(seed: 3, range: (step * 16)..<(step * 16 + 16)), parameters: parameters)
            learned = levels(result.graphs)
            optimizer.step(result.gradients)
        }
        XCTAssertEqual(mean(learned), 0.3, accuracy: 0.03, "background level after matching: \(mean(learned))")
        XCTAssertTrue(learned.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
