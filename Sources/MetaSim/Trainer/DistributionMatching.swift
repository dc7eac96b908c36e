import NN
import Render
import Scene
import Tensor

/// One distribution-matching step's computation (stage 2), apart from the optimiser:
/// prior graphs → G_θ → decode + render (differentiable) → φ (and object crops) → MMD² against the target banks,
/// and the gradient of MMD² for the transformer's parameters along
/// MMD → φ (autodiff to pixels) → renderer VJP → G_θ (autodiff).
public struct DistributionMatching {
    /// G_θ, the network being trained.
    public let transformer: DistributionTransformer
    /// Decodes and renders G_θ's output, with gradients back to it.
    public let renderer: DifferentiableRenderer
    /// MMD² against the cached target feature banks, one per term of its features (φ, crops).
    public let mmd: FeatureMMD
    /// The encoding columns MMD²'s gradient may move (`matching.mmd_attributes`); nil: all.
    let columns: AttributeColumnMask?
    /// Weight of MMD² in the step's objective (`matching.mmd_weight`).
    let mmdWeight: Float
    /// The attributes held where stage 1 put them (`matching.hold_weight`); nil: none.
    let hold: AttributeHold?

    /// Bundles the pieces of one step; unchecked. `mmdColumns`: the encoding columns MMD²'s
    /// gradient reaches (nil: every column).
    public init(transformer: DistributionTransformer, renderer: DifferentiableRenderer, mmd: FeatureMMD, mmdColumns: Set<Int>? = nil) {
        self.init(transformer: transformer, renderer: renderer, mmd: mmd, mmdColumns: mmdColumns, mmdWeight: 1, hold: nil)
    }

    init(transformer: DistributionTransformer, renderer: DifferentiableRenderer, mmd: FeatureMMD, mmdColumns: Set<Int>?,
         mmdWeight: Float, hold: AttributeHold?) {
        self.transformer = transformer
        self.renderer = renderer
        self.mmd = mmd
        columns = mmdColumns.map(AttributeColumnMask.init)
        self.mmdWeight = mmdWeight
        self.hold = hold
    }

    /// What one step produced.
    public struct Step {
        /// MMD² of the batch (≥ 0 for the biased estimator; the unbiased one can be negative).
        public var mmd: Double
        /// The hold term's mean squared distance (`AttributeHold`); nil without one.
        public var holdMSE: Double?
        /// The gradient of the step's objective for each parameter asked for:
        /// `mmd_weight · MMD² + hold_weight · holdMSE`.
        public var gradients: Gradients
        /// The graphs as the transformer changed them.
        public var graphs: [SceneGraph]
    }

    /// MMD² of `graphs` after the transformer, and the gradient of the step's objective for `parameters`.
    public func step(_ graphs: [SceneGraph], parameters: [Parameter]) throws -> Step {
        let batch = renderer.encoder.encode(graphs)
        let (x, mask, operators) = batch.tensors
        let full = transformer(x, mask: mask, graph: operators)
        let output = columns.map { $0.passingGradient(full, width: batch.width) } ?? full
        let (images, decoded, truth) = try renderer.render(output, graphs: graphs, groundTruth: mmd.features.needsGroundTruth)
        let motion = try mmd.features.crops.flatMap { crops in
            try truth.map { try renderer.windowMotion(output: output, mutableMask: batch.mutableMask, graphs: graphs, truth: $0, crops: crops.windows) }
        }
        let (value, surrogate) = mmd.loss(of: images, groundTruth: truth, motion: motion)
        var objective = mmdWeight * surrogate
        let held = hold.map { $0.loss(full, batch: batch) }
        if let hold, let held { objective = objective + hold.weight * held }
        let grads = Gradients(parameters, gradients(of: objective, wrt: parameters.map(\.value)))
        try renderer.checkBackward()
        return Step(mmd: value, holdMSE: held.map { Double($0.scalar) }, gradients: grads, graphs: decoded)
    }
}
