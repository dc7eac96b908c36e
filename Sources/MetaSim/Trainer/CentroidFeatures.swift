import Tensor

/// φ without network weights, for toy problems, tests and quick checks: per image, the
/// intensity centroid (x, y, in pixels from the top-left corner, pixel centres at +0.5) and,
/// with `includeBrightness`, the mean intensity times the image width (so that all columns are
/// on a pixel scale). `[N, C, H, W]` → `[N, 2]` or `[N, 3]`; all channels are summed.
///
/// Smooth in the pixels, so MMD sees how far apart two objects are even when they do not
/// overlap — unlike pixel-wise features. An all-black image has its centroid at (0, 0) (a
/// small constant keeps the division finite). Sees position and brightness only: shape,
/// orientation and colour are invisible to it.
public struct CentroidFeatures: FeatureNetwork {
    /// Whether the third (mean intensity × width) column is produced.
    public var includeBrightness: Bool

    /// - Parameter includeBrightness: add the mean-intensity column (third column).
    public init(includeBrightness: Bool = true) {
        self.includeBrightness = includeBrightness
    }

    /// The centroid (and brightness) of each image; differentiable in `images`.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let xs = Tensor(shape: [1, 1, 1, w], data: (0..<w).map { Float($0) + 0.5 })
        let ys = Tensor(shape: [1, 1, h, 1], data: (0..<h).map { Float($0) + 0.5 })
        let mass = images.sum(axes: [1, 2, 3]) + 1e-3
        var columns = [((images * xs).sum(axes: [1, 2, 3]) / mass).reshaped([n, 1]),
                       ((images * ys).sum(axes: [1, 2, 3]) / mass).reshaped([n, 1])]
        if includeBrightness { columns.append((images.mean(axes: [1, 2, 3]) * Float(w)).reshaped([n, 1])) }
        return Tensor.concat(columns, axis: 1)
    }
}
