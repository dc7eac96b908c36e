import NN
import Scene
import Tensor

/// One distribution-matching step's computation (stage 2), apart from the optimiser:
/// prior graphs → G_θ → decode + render (differentiable) → φ → MMD² against the target bank,
/// and the gradient of MMD² for the transformer's parameters along
/// MMD → φ (autodiff to pixels) → renderer VJP → G_θ (autodiff).
public struct DistributionMatching {
    public let transformer: DistributionTransformer
    public let renderer: DifferentiableRenderer
    /// φ: images `[N, C, H, W]` → features `[N, D]`, differentiable.
    public let features: any FeatureNetwork
    public let mmd: MMD

    public init(transformer: DistributionTransformer, renderer: DifferentiableRenderer,
                features: any FeatureNetwork, mmd: MMD) {
        self.transformer = transformer
        self.renderer = renderer
        self.features = features
        self.mmd = mmd
    }

    public struct Step {
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
