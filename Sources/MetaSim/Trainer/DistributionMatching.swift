import NN
import Scene
import Tensor

/// One distribution-matching step's computation (stage 2), apart from the optimiser:
/// prior graphs → G_θ → decode + render (differentiable) → φ → MMD² against the target bank,
/// and the gradient of MMD² for the transformer's parameters along
/// MMD → φ (autodiff to pixels) → renderer VJP → G_θ (autodiff).
public struct DistributionMatching {
    /// G_θ, the network being trained.
    public let transformer: DistributionTransformer
    /// Decodes and renders G_θ's output, with gradients back to it.
    public let renderer: DifferentiableRenderer
    /// φ: images `[N, C, H, W]` → features `[N, D]`, differentiable.
    public let features: any FeatureNetwork
    /// MMD² against the cached target feature bank.
    public let mmd: MMD

    /// Bundles the pieces of one step; unchecked (φ's output width must equal `mmd.dimension`).
    public init(transformer: DistributionTransformer, renderer: DifferentiableRenderer,
                features: any FeatureNetwork, mmd: MMD) {
        self.transformer = transformer
        self.renderer = renderer
        self.features = features
        self.mmd = mmd
    }

    /// What one step produced.
    public struct Step {
        /// MMD² of the batch (≥ 0 for the biased estimator; the unbiased one can be negative).
        public var mmd: Double
        /// The gradient of MMD² for each parameter asked for.
        public var gradients: Gradients
        /// The graphs as the transformer changed them.
        public var graphs: [SceneGraph]
    }

    /// MMD² of `graphs` after the transformer, and its gradient for `parameters`.
    public func step(_ graphs: [SceneGraph], parameters: [Parameter]) throws -> Step {
        let batch = renderer.encoder.encode(graphs)
        let (x, mask, operators) = batch.tensors
        let output = transformer(x, mask: mask, graph: operators)
        let (images, decoded) = try renderer(output, graphs: graphs)
        let phi = features(images)
        let (value, gradient) = mmd.evaluate(phi.data, count: graphs.count)
        let grads = Gradients(parameters, gradients(of: phi, seed: Tensor(shape: phi.shape, data: gradient), wrt: parameters.map(\.value)))
        try renderer.checkBackward()
        return Step(mmd: value, gradients: grads, graphs: decoded)
    }
}
