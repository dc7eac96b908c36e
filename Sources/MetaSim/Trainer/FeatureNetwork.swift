import Tensor

/// φ: the differentiable function images are compared in. `FeatureExtractor` (EfficientNet-Lite0
/// stages) is the one experiments use; a library user or a test can pass any other, e.g. a
/// `FeatureFunction` over a few pixel statistics, to train without network weights.
public protocol FeatureNetwork {
    /// Features of `images` (`[N, C, H, W]`, values in [0, 1]) as `[N, D]`, with gradients
    /// back to the images when they require them.
    func callAsFunction(_ images: Tensor) -> Tensor
}

extension FeatureNetwork {
    /// Features of many images without gradients, in batches of `batchSize` (for the target
    /// bank): `[N, C, H, W]` → `[N, D]`.
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

/// A feature network from a closure: `[N, C, H, W]` → `[N, D]`, built from differentiable
/// tensor operations.
public struct FeatureFunction: FeatureNetwork {
    /// The function applied to each batch.
    public let body: (Tensor) -> Tensor

    /// Wraps `body`; it must return `[N, D]` for `[N, C, H, W]` input with the same D every call.
    public init(_ body: @escaping (Tensor) -> Tensor) {
        self.body = body
    }

    /// `body(images)`.
    public func callAsFunction(_ images: Tensor) -> Tensor { body(images) }
}
