import Grammar
import Render
import Scene
import Tensor

/// A check of the whole matching gradient on real scenes: for each mutable attribute, the
/// derivative of MMD² when every node's value of it moves by the same normalised amount
/// (shift), and when the values draw together towards their mean (contraction: v − m moves by
/// −(v − m) per unit) —
/// from the backward pass (renderer VJP, φ, crops with their windows' moves) and from central
/// finite differences of re-rendered, re-cropped images. Prior scenes pass unchanged (G_θ = the
/// identity), so the check is about everything after the transformer.
///
/// A third figure separates the renderer from φ: the same finite difference taken along the
/// straight line in pixel space through the two re-rendered image sets, at 1 % of their distance
/// (`linearised`: MMD²(I + εD) − MMD²(I − εD) over 2ε·step, D = (I₊ − I₋)/2, ε = 0.01, crops
/// from the unshifted images' ground truth). It is the backward pass's own chain rule evaluated
/// numerically: backward ≈ linearised but ≠ finite differences means MMD²∘φ curves over the
/// image change one step makes (camera moves shift every edge by about a pixel), not that the
/// renderer's VJP is wrong.
public enum DirectionalDerivatives {
    /// One attribute's derivative both ways (MMD² per normalised unit).
    public struct Row: Sendable {
        /// The mutable attribute shifted.
        public var attribute: String
        /// dMMD²/dshift from the backward pass.
        public var analytic: Double
        /// dMMD²/dshift from central finite differences.
        public var numeric: Double
        /// dMMD²/dcontraction from the backward pass and from central finite differences.
        public var contraction: (analytic: Double, numeric: Double)
        /// dMMD²/dshift and dMMD²/dcontraction along the pixel-space line through the re-rendered
        /// images, at 1 % of their distance (see the type's documentation).
        public var linearised: (shift: Double, contraction: Double)
    }

    /// Fraction of the re-rendered images' distance at which `Row.linearised` is taken.
    static let linearisedFraction: Float = 0.01

    /// The derivatives for every mutable attribute of `grammar` at `graphs`, against `mmd`'s
    /// banks, with finite-difference step `step` (normalised units). Throws rendering errors.
    public static func measure(mmd: FeatureMMD, grammar: Grammar, renderer: any Renderer, graphs: [SceneGraph],
                               step: Float = 0.02) throws -> [Row] {
        let encoder = SceneEncoder(grammar.schema)
        let batch = encoder.encode(graphs)
        let differentiable = DifferentiableRenderer(renderer: renderer, encoder: encoder)
        let needsTruth = mmd.features.needsGroundTruth
        let x = Tensor(shape: batch.featureShape, data: batch.features).requiringGrad()
        let (images, _, truth) = try differentiable.render(x, graphs: graphs, groundTruth: needsTruth)
        let motion = try mmd.features.crops.flatMap { crops in
            try truth.map { try differentiable.windowMotion(output: x, mutableMask: batch.mutableMask, graphs: graphs, truth: $0, crops: crops.windows) }
        }
        let gradient = gradients(of: mmd.loss(of: images, groundTruth: truth, motion: motion).surrogate, wrt: [x])[0]
        try differentiable.checkBackward()
        let width = batch.width
        return try grammar.mutableAttributeNames.compactMap { name -> Row? in
            guard let column = grammar.schema.column(ofAttribute: name) else { return nil }
            let entries = batch.mutableMask.indices.filter { batch.mutableMask[$0] != 0 && $0 % width == column }
            let analytic = entries.reduce(0.0) { $0 + Double(gradient.data[$1]) }
            let mean = entries.reduce(Float(0)) { $0 + batch.features[$1] } / Float(max(1, entries.count))
            let towardMean = entries.map { mean - batch.features[$0] }
            let contractionAnalytic = zip(entries, towardMean).reduce(0.0) { $0 + Double(gradient.data[$1.0] * $1.1) }
            func rendered(_ shift: Float, contract: Float = 0) throws -> (value: Double, images: Tensor) {
                var data = batch.features
                for (i, d) in zip(entries, towardMean) { data[i] += shift + contract * d }
                var decoded = graphs
                encoder.decode(data, into: &decoded)
                let rendered = try renderer.render(decoded)
                let images = tensor(rendered.map(\.image))
                return (mmd.value(of: images, groundTruth: needsTruth ? rendered.map(\.groundTruth) : nil), images)
            }
            /// Central differences over `h` of the re-rendered sets and along their pixel-space line.
            func differences(_ plus: (value: Double, images: Tensor), _ minus: (value: Double, images: Tensor),
                             over h: Float) -> (numeric: Double, linearised: Double) {
                let e = Self.linearisedFraction
                let (base, p, m) = (images.data, plus.images.data, minus.images.data)
                let along = { (sign: Float) in
                    Tensor(shape: images.shape, data: (0..<base.count).map { base[$0] + sign * e * (p[$0] - m[$0]) / 2 })
                }
                let linear = mmd.value(of: along(1), groundTruth: truth) - mmd.value(of: along(-1), groundTruth: truth)
                return ((plus.value - minus.value) / Double(2 * h), linear / Double(2 * e * h))
            }
            let shift = differences(try rendered(step), try rendered(-step), over: step)
            let contraction = differences(try rendered(0, contract: 0.1), try rendered(0, contract: -0.1), over: 0.1)
            return Row(attribute: name, analytic: analytic, numeric: shift.numeric, contraction: (contractionAnalytic, contraction.numeric),
                       linearised: (shift.linearised, contraction.linearised))
        }
    }
}
