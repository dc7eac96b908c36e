import Grammar
import NN
import Render
import Scene
import Tensor
import XCTest
@testable import MetaSim

final class DistributionMatchingTests: XCTestCase {
    /// With MMD alone, the transformer moves the square's x from the prior's 8 px to the
    /// target's 20 px, through the renderer's exact gradients.
    func testMMDMovesSquareTowardTarget() throws {
        let grammar = try exampleGrammar("shapes.yaml")
        let compositor = try renderer(for: grammar)
        let encoder = SceneEncoder(grammar.schema)
        // Target: the same scenes with the square at x = 20.
        var targets = try grammar.sample(seed: 500, range: 0..<32)
        for g in targets.indices { for n in targets[g].nodes.indices where targets[g].nodes[n].mutable.contains("loc_x") {
            targets[g].nodes[n].attributes["loc_x"] = .number(20)
        } }
        let targetImages = tensor(try compositor.render(targets).map(\.image))
        let mmd = FeatureMMD(features: centroid, targetImages: targetImages, scales: [0.25, 1, 4], unbiased: false, maxSamples: 4096)

        let transformer = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count,
                                                  hidden: [16, 8, 16], seed: 4)
        let stage1 = Adam(transformer.trainableParameters, learningRate: 0.02)
        for step in 0..<200 {
            let batch = encoder.encode(try grammar.sample(seed: 1, range: (step * 8)..<(step * 8 + 8)))
            let (a, c) = transformer.reconstructionLosses(batch)
            if a.scalar < 1e-4 { break }
            stage1.step(transformer.gradients(of: a + 0.1 * c))
        }
        let matching = DistributionMatching(transformer: transformer,
                                            renderer: DifferentiableRenderer(renderer: compositor, encoder: encoder),
                                            mmd: mmd)
        let parameters = transformer.trainableParameters
        let optimizer = Adam(parameters, learningRate: 0.01)
        var first: Double?, last = 0.0, xs: [Double] = []
        for step in 0..<150 {
            let result = try matching.step(try grammar.sample(seed: 2, range: (step * 16)..<(step * 16 + 16)), parameters: parameters)
            first = first ?? result.mmd
            last = result.mmd
            xs = result.graphs.flatMap { $0.nodes.compactMap { $0.mutable.contains("loc_x") ? $0.number("loc_x") : nil } }
            optimizer.step(result.gradients)
        }
        let meanX = xs.reduce(0, +) / Double(xs.count)
        XCTAssertEqual(meanX, 20, accuracy: 1.5, "square x after matching: \(meanX)")
        XCTAssertLessThan(last, first! * 0.05)
    }

    /// On real EfficientNet-Lite0 features, the MMD gradient reaches a digit's yaw: not zero.
    func testGradientReachesYawThroughEfficientNet() throws {
        let grammar = try exampleGrammar("mnist.yaml")
        let compositor = try renderer(for: grammar)
        let encoder = SceneEncoder(grammar.schema)
        let weights = repositoryRoot + "/data/efficientnet-lite0/efficientnet-lite0.safetensors"
        let phi = FeatureExtractor(network: try EfficientNetLite0(weightsAt: weights), stages: [.group3])
        var targets = try grammar.sample(seed: 7, range: 0..<8)
        for g in targets.indices { for n in targets[g].nodes.indices where targets[g].nodes[n].mutable.contains("yaw") {
            targets[g].nodes[n].attributes["yaw"] = .number(90)
        } }
        let bank = phi.features(of: tensor(try compositor.render(targets).map(\.image)))
        let mmd = MMD(target: bank.data, count: 8, dimension: bank.shape[1])
        let graphs = try grammar.sample(seed: 8, range: 0..<8)
        let batch = encoder.encode(graphs)
        let features = Tensor(shape: batch.featureShape, data: batch.features).requiringGrad()
        let differentiable = DifferentiableRenderer(renderer: compositor, encoder: encoder)
        let (images, _) = try differentiable(features, graphs: graphs)
        let f = phi(images)
        let (value, gradient) = mmd.evaluate(f.data, count: 8)
        XCTAssertGreaterThan(value, 0)
        let dFeatures = gradients(of: f, seed: Tensor(shape: f.shape, data: gradient), wrt: [features])[0]
        try differentiable.checkBackward()
        let yaw = grammar.schema.column(ofAttribute: "yaw")!
        let yawGradients = (0..<8).flatMap { g in (0..<batch.maxNodes).map { n in dFeatures.data[batch.offset(graph: g, node: n, column: yaw)] } }
        XCTAssertGreaterThan(yawGradients.map { abs($0) }.max()!, 1e-6, "MMD gradient must reach the yaw")
    }

    /// Crops only (φ of a crop: its mean intensity): the square must move away from a fixed bar,
    /// from x = 26 to the target's x = 22, which the crops see only as the bar's share of the
    /// window. Moving the square moves its window, so the gradient needs the window's move
    /// (`ObjectCrops.Motion`); without it the square stays near 26 (checked by hand).
    func testCropWindowsFollowTheirObject() throws {
        func grammar(_ x: Double, mutable: Bool) throws -> Grammar {
            try Grammar.parse(text: """
                canvas: {width: 48, height: 48, channels: 1}
                root: Canvas
                rules:
                  Canvas:
                    children: [Background, Bar, Square]
                  Background:
                    attributes: {background: constant, texture: 0}
                  Bar:
                    class: bar
                    attributes: {shape: rectangle, texture: 0.5, size_x: 6, size_y: 48, loc_x: 36, loc_y: 24}
                  Square:
                    class: car
                    attributes:
                      shape: rectangle
                      texture: 1
                      size: 6
                      loc_x: {constant: \(x), range: [0, 48], mutable: \(mutable)}
                      loc_y: 24
                """, file: "bar")
        }
        let prior = try grammar(26, mutable: true), target = try grammar(22, mutable: false)
        let compositor = try renderer(for: prior)
        let encoder = SceneEncoder(prior.schema)
        let targets = try compositor.render(try target.sample(seed: 1, range: 0..<8))
        // φ of a crop: its mean intensity (× 24, pixel scale). Moving the square inside a fixed
        // window leaves it unchanged; only the window's move shows the bar's share.
        let brightness = FeatureFunction { $0.mean(axes: [1, 2, 3]).reshaped([$0.shape[0], 1]) * 24 }
        let crops = MatchingFeatures(features: nil, crops: (ObjectCrops(classes: ["car"], size: 24), brightness))
        let targetImages = tensor(targets.map { (r: RenderedImage) in r.image })
        let targetTruth = targets.map { (r: RenderedImage) in r.groundTruth }
        let mmd = FeatureMMD(features: crops, targetImages: targetImages, targetGroundTruth: targetTruth,
                             scales: [0.25, 1, 4], unbiased: false, maxSamples: 4096)
        let transformer = DistributionTransformer(width: prior.schema.width, classCount: prior.schema.classes.count,
                                                  hidden: [16, 8, 16], seed: 4)
        let stage1 = Adam(transformer.trainableParameters, learningRate: 0.02)
        for step in 0..<200 {
            let start = step * 8
            let batch = encoder.encode(try prior.sample(seed: 1, range: start..<(start + 8)))
            let (a, c) = transformer.reconstructionLosses(batch)
            if a.scalar < 1e-4 { break }
            let loss: Tensor = a + 0.1 * c
            stage1.step(transformer.gradients(of: loss))
        }
        let differentiable = DifferentiableRenderer(renderer: compositor, encoder: encoder)
        let matching = DistributionMatching(transformer: transformer, renderer: differentiable, mmd: mmd)
        let parameters = transformer.trainableParameters
        let optimizer = Adam(parameters, learningRate: 0.01)
        var xs: [Double] = []
        for step in 0..<80 {
            let result = try matching.step(try prior.sample(seed: 2, range: (step * 8)..<(step * 8 + 8)), parameters: parameters)
            xs = result.graphs.flatMap { $0.nodes.compactMap { $0.mutable.contains("loc_x") ? $0.number("loc_x") : nil } }
            optimizer.step(result.gradients)
        }
        let meanX = xs.reduce(0, +) / Double(xs.count)
        XCTAssertEqual(meanX, 22, accuracy: 1, "square x after matching crops: \(meanX)")
    }

    /// Toy for `anchor: .frame` crops: a car on a road of random direction, its heading relative
    /// to the road mutable (prior 50°, target 0° ± 4°), its grey level random (so that the target
    /// crops differ and the kernels' median bandwidth is not ~0). φ of a crop is its orientation tensor
    /// (Σ I·(x² − y²), Σ I·2xy about the window's centre: cos 2θ and sin 2θ of a bar at θ, plus
    /// the road's constant share): in a window turned with the road, the road always lies along
    /// x, so φ sees the car's turn relative to the road whatever the road's direction. The window
    /// does not move with heading, so the renderer's VJP alone gives the gradient; matching
    /// brings every car's heading to the target's.
    func testFrameCropsLearnHeadingRelativeToTheRoad() throws {
        func grammar(_ heading: String) throws -> Grammar {
            try Grammar.parse(text: """
                canvas: {width: 48, height: 48, channels: 1}
                root: Canvas
                rules:
                  Canvas:
                    children: [Background, Road]
                  Background:
                    attributes: {background: constant, intensity: 0}
                  Road:
                    class: road
                    children: [Car]
                    attributes: {shape: road, length: 100, width: 10, loc_x: 24, loc_y: 24, yaw: {uniform: [0, 180]}, intensity: 0.4}
                  Car:
                    class: car
                    attributes:
                      shape: rectangle
                      frame: parent
                      along: {uniform: [-4, 4]}
                      size_x: 12
                      size_y: 4
                      intensity: {uniform: [0.5, 1]}
                      heading: \(heading)
                """, file: "road")
        }
        let prior = try grammar("{constant: 50, range: [-90, 90], mutable: true}"), target = try grammar("{gaussian: {mean: 0, std: 4}}")
        let compositor = try renderer(for: prior)
        let encoder = SceneEncoder(prior.schema)
        let targets = try compositor.render(try target.sample(seed: 1, range: 0..<16))
        XCTAssertNotNil(targets[0].groundTruth.objects.first { $0.className == "car" }?.frameAnchor)
        let offsets = (0..<24).map { Float($0) - 11.5 }
        let xx = Tensor(shape: [1, 1, 24, 24], data: offsets.flatMap { y in offsets.map { x in (x * x - y * y) / 576 } })
        let xy = Tensor(shape: [1, 1, 24, 24], data: offsets.flatMap { y in offsets.map { x in 2 * x * y / 576 } })
        let orientation = FeatureFunction { crops in
            Tensor.concat([(crops * xx).sum(axes: [1, 2, 3]), (crops * xy).sum(axes: [1, 2, 3])].map { $0.reshaped([crops.shape[0], 1]) }, axis: 1)
        }
        let crops = MatchingFeatures(features: nil, crops: (ObjectCrops(classes: ["car"], size: 24, anchor: .frame), orientation))
        let mmd = FeatureMMD(features: crops, targetImages: tensor(targets.map { (r: RenderedImage) in r.image }),
                             targetGroundTruth: targets.map { (r: RenderedImage) in r.groundTruth },
                             scales: [0.25, 1, 4], unbiased: false, maxSamples: 4096)
        let transformer = DistributionTransformer(width: prior.schema.width, classCount: prior.schema.classes.count,
                                                  hidden: [16, 8, 16], seed: 4)
        let stage1 = Adam(transformer.trainableParameters, learningRate: 0.02)
        for step in 0..<200 {
            let batch = encoder.encode(try prior.sample(seed: 1, range: (step * 8)..<(step * 8 + 8)))
            let (a, c) = transformer.reconstructionLosses(batch)
            if a.scalar < 1e-4 { break }
            stage1.step(transformer.gradients(of: a + 0.1 * c))
        }
        let matching = DistributionMatching(transformer: transformer, renderer: DifferentiableRenderer(renderer: compositor, encoder: encoder), mmd: mmd)
        let parameters = transformer.trainableParameters
        let optimizer = Adam(parameters, learningRate: 0.01)
        var headings: [Double] = []
        for step in 0..<80 {
            let result = try matching.step(try prior.sample(seed: 2, range: (step * 8)..<(step * 8 + 8)), parameters: parameters)
            headings = result.graphs.flatMap { $0.nodes.compactMap { $0.mutable.contains("heading") ? $0.number("heading") : nil } }
            optimizer.step(result.gradients)
        }
        let worst = headings.map(abs).max() ?? .infinity
        XCTAssertLessThan(worst, 5, "car headings after matching frame crops: \(headings)")
    }
}
