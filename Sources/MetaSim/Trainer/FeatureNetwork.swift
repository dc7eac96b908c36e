import Tensor

/// φ: the differentiable function images are compared in. `FeatureExtractor` (EfficientNet-Lite0
/// stages) is the one experiments use; a library user or a test can pass any other, e.g. a
/// `FeatureFunction` over a few pixel statistics, to train without network weights.
public protocol FeatureNetwork {
    /// Features of `images` (`[N, C, H, W]`, values in [0, 1]) as `[N, D]`, with gradients
    /// back to the images when they require them. One vector per image (KID, per-image uses).
    func callAsFunction(_ images: Tensor) -> Tensor

    /// The samples MMD compares, one `[S_t, D_t]` tensor per term (each term has its own target
    /// bank and kernel bandwidths, `FeatureMMD`); differentiable like `callAsFunction`. The
    /// row count may differ from N (e.g. one row per position of a feature map). Default:
    /// `[self(images)]`.
    func terms(_ images: Tensor) -> [Tensor]

    /// How many tensors `terms` returns (the same for every input). Default: 1.
    var termCount: Int { get }

    /// `terms(images)` and `self(images)` together, from one pass where they share it (a
    /// network whose terms and per-image vectors come from the same feature maps). Default:
    /// the two calls.
    func termsAndFeatures(_ images: Tensor) -> (terms: [Tensor], features: Tensor)
}

extension FeatureNetwork {
    /// One term: φ's per-image vectors.
    public func terms(_ images: Tensor) -> [Tensor] { [self(images)] }

    /// One term.
    public var termCount: Int { 1 }

    /// `(terms(images), self(images))`.
    public func termsAndFeatures(_ images: Tensor) -> (terms: [Tensor], features: Tensor) {
        (terms(images), self(images))
    }

    /// Features of many images without gradients, in batches of `batchSize` (for the target
    /// bank): `[N, C, H, W]` → `[N, D]`.
    public func features(of images: Tensor, batchSize: Int = 100) -> Tensor {
        batched(images, batchSize: batchSize) { [self($0)] }[0]
    }

    /// `terms` of many images without gradients, in batches of `batchSize`, each term's rows
    /// concatenated in image order.
    public func terms(of images: Tensor, batchSize: Int = 100) -> [Tensor] {
        batched(images, batchSize: batchSize) { terms($0) }
    }

    private func batched(_ images: Tensor, batchSize: Int, _ body: (Tensor) -> [Tensor]) -> [Tensor] {
        withoutGradients {
            let n = images.shape[0]
            let parts = stride(from: 0, to: n, by: batchSize).map { start in
                body(images.slice(axis: 0, start..<min(n, start + batchSize)))
            }
            return parts[0].indices.map { t in parts.count == 1 ? parts[0][t] : Tensor.concat(parts.map { $0[t] }, axis: 0) }
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
