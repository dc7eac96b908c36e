import Grammar
import Render
import Scene
import Tensor

/// A check of the whole matching gradient on real scenes: for each mutable attribute, the
/// derivative of MMD² when every node's value of it moves by the same normalised amount —
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
            func value(_ shift: Float) throws -> Double {
                var data = batch.features
                for i in entries { data[i] += shift }
                var decoded = graphs
                encoder.decode(data, into: &decoded)
                let rendered = try renderer.render(decoded)
                return mmd.value(of: tensor(rendered.map(\.image)), groundTruth: needsTruth ? rendered.map(\.groundTruth) : nil)
            }
            let numeric = (try value(step) - value(-step)) / Double(2 * step)
            return Row(attribute: name, analytic: analytic, numeric: numeric)
        }
    }
}
