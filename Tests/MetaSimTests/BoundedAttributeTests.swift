import Grammar
import NN
import Scene
import Tensor
import XCTest
@testable import MetaSim

/// Attributes whose prior sits on a bound of their range (issue 10): the transformer's output
/// head reaches the bound exactly and still passes a gradient that moves the value inward.
final class BoundedAttributeTests: XCTestCase {
    /// The head is a sigmoid (gradient y(1 − y), checked by finite differences); within 0.01
    /// of a bound it drops the gradient whose descent step points further out and passes an
    /// inward one at the margin's slope 0.01 · 0.99, not the vanishing y(1 − y).
    func testOutputHeadGradient() {
        let x = Tensor(shape: [5], data: [-20, -0.4, 0.3, 1.2, 20]).requiringGrad()
        let y = x.unitIntervalOutput()
        for i in 0..<5 { XCTAssertEqual(y.data[i], 1 / (1 + exp(-x.data[i])), accuracy: 1e-6) }
        let h: Float = 1e-2
        let inside = gradients(of: y, seed: Tensor(repeating: 1, shape: [5]), wrt: [x])[0].data
        for i in 1...3 {
            var up = x.data, down = x.data
            up[i] += h; down[i] -= h
            let fd = (Tensor(shape: [5], data: up).unitIntervalOutput().data[i] - Tensor(shape: [5], data: down).unitIntervalOutput().data[i]) / (2 * h)
            XCTAssertEqual(inside[i], fd, accuracy: 1e-4)
        }
        // y[0] ≈ 2e-9 and y[4] ≈ 1 − 2e-9: outward seeds (descent lowers y[0], raises y[4]) are dropped.
        XCTAssertEqual(inside[0], 0)
        XCTAssertEqual(gradients(of: y, seed: Tensor(shape: [5], data: [1, 1, 1, 1, -1]), wrt: [x])[0].data[4], 0)
        let inward = gradients(of: y, seed: Tensor(shape: [5], data: [-1, 1, 1, 1, 1]), wrt: [x])[0].data
        XCTAssertEqual(inward[0], -0.0099, accuracy: 1e-7)
        XCTAssertEqual(inward[4], 0.0099, accuracy: 1e-7)
    }

    /// A background level whose prior is 0, the bottom of its range [0, 1]: stage 1 (run for a
    /// fixed 400 steps, as a long reconstruction does) reproduces it within the head's margin,
    /// and MMD on the mean grey level then moves it to the target's 0.3. With a plain sigmoid
    /// head, stage 1 keeps driving the pre-activation down (Adam's steps do not shrink with the
    /// gradient) and matching cannot bring it back: the level stays at 2e-18 (the issue-10 failure).
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
        let mmd = FeatureMMD(features: meanGrey, targetImages: tensor(try compositor.render(targetGraphs).map(\.image)),
                             scales: [0.25, 1, 4], unbiased: false, maxSamples: 16)

        let transformer = DistributionTransformer(width: prior.schema.width, classCount: prior.schema.classes.count,
                                                  hidden: [8, 4, 8], seed: 5)
        let stage1 = Adam(transformer.trainableParameters, learningRate: 0.02)
        for step in 0..<400 {
            let (a, c) = transformer.reconstructionLosses(encoder.encode(try prior.sample(seed: 1, range: (step * 8)..<(step * 8 + 8))))
            stage1.step(transformer.gradients(of: a + 0.1 * c))
        }
        let matching = DistributionMatching(transformer: transformer,
                                            renderer: DifferentiableRenderer(renderer: compositor, encoder: encoder),
                                            mmd: mmd)
        func levels(_ graphs: [SceneGraph]) -> [Double] {
            graphs.flatMap { $0.nodes.compactMap { $0.mutable.contains("texture") ? $0.number("texture") : nil } }
        }
        let start = try matching.step(try prior.sample(seed: 2, range: 0..<16), parameters: [])
        XCTAssertEqual(mean(levels(start.graphs)), 0, accuracy: 0.011, "stage 1 reproduces the prior near its bound")
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
