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
    }

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
        let motion = try truth.map { try differentiable.windowMotion(output: x, mutableMask: batch.mutableMask, graphs: graphs, truth: $0) }
        let gradient = gradients(of: mmd.loss(of: images, groundTruth: truth, motion: motion).surrogate, wrt: [x])[0]
        try differentiable.checkBackward()
        let width = batch.width
        return try grammar.mutableAttributeNames.compactMap { name -> Row? in
            guard let column = grammar.schema.column(ofAttribute: name) else { return nil }
            let entries = batch.mutableMask.indices.filter { batch.mutableMask[$0] != 0 && $0 % width == column }
            let analytic = entries.reduce(0.0) { $0 + Double(gradient.data[$1]) }
            let mean = entries.reduce(Float(0)) { $0 + batch.features[$1] } / Float(max(1, entries.count))
            let towardMean = entries.map { mean - batch.features[$0] }
            let contraction = zip(entries, towardMean).reduce(0.0) { $0 + Double(gradient.data[$1.0] * $1.1) }
            func value(_ shift: Float, contract: Float = 0) throws -> Double {
                var data = batch.features
                for (i, d) in zip(entries, towardMean) { data[i] += shift + contract * d }
                var decoded = graphs
                encoder.decode(data, into: &decoded)
                let rendered = try renderer.render(decoded)
                return mmd.value(of: tensor(rendered.map(\.image)), groundTruth: needsTruth ? rendered.map(\.groundTruth) : nil)
            }
            let numeric = (try value(step) - value(-step)) / Double(2 * step)
            let numericContraction = (try value(0, contract: 0.1) - value(0, contract: -0.1)) / 0.2
            return Row(attribute: name, analytic: analytic, numeric: numeric, contraction: (contraction, numericContraction))
        }
    }
}
