import NN
import Tensor

/// φ: the frozen EfficientNet-Lite0 stages that images are compared in. Each selected stage's
/// output is flattened per image and the stages are concatenated, giving `[N, dimension]`.
/// Gradients flow back to the images (the network's weights are constants).
public struct FeatureExtractor: Sendable {
    public let network: EfficientNetLite0
    public let stages: [EfficientNetLite0.Stage]

    /// - Precondition: `stages` is not empty.
    public init(network: EfficientNetLite0, stages: [EfficientNetLite0.Stage]) {
        precondition(!stages.isEmpty, "FeatureExtractor: no stage selected")
        self.network = network
        self.stages = stages
    }

    /// Features of `images` (`[N, C, H, W]`, values in [0, 1], C = 1 or 3) as `[N, dimension]`.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        let n = images.shape[0]
        let outputs = network.features(pixels: images * 255, stages: Set(stages))
        let flat = stages.map { outputs[$0]!.reshaped([n, -1]) }
        return flat.count == 1 ? flat[0] : Tensor.concat(flat, axis: 1)
    }

    /// Features of many images without gradients, in batches (for the target bank).
    public func features(of images: Tensor, batchSize: Int = 100) -> Tensor {
        withoutGradients {
            let n = images.shape[0]
            let parts = stride(from: 0, to: n, by: batchSize).map { start in
                self(images.slice(axis: 0, start..<min(n, start + batchSize)))
            }
            return parts.count == 1 ? parts[0] : Tensor.concat(parts, axis: 0)
        }
    }
}
