import Render
import Tensor

/// What MMD compares images in: φ's terms of the whole images (`FeatureNetwork.terms`), then,
/// with `crops`, the crop network's terms of the object-centred crops (`ObjectCrops`): a
/// per-crop term (one row per cropped object) and, for each `_patches` stage of the crop
/// network, one term of the crops' local feature vectors (one row per crop and position).
public struct MatchingFeatures {
    /// φ of whole images; nil: crops only (for measurements).
    public var features: (any FeatureNetwork)?
    /// The crops to compare too, and φ of a crop (`[K, C, s, s]` → `[K, D]`); nil: none.
    public var crops: (windows: ObjectCrops, features: any FeatureNetwork)?

    /// Whole-image φ, and optionally crops with their own φ.
    public init(features: (any FeatureNetwork)?, crops: (windows: ObjectCrops, features: any FeatureNetwork)? = nil) {
        self.features = features
        self.crops = crops
    }

    /// - Precondition (checked by the users): `features` or `crops` is set.
    ///
    /// Whether `terms` needs the images' ground truth (their object boxes).
    public var needsGroundTruth: Bool { crops != nil }

    /// The terms of `images` (`[N, C, H, W]`): φ's terms, then the crop terms (each nil when no
    /// object of the crop classes is visible). Differentiable in `images` and, with `motion`, in
    /// `motion.output` through the windows' moves (`ObjectCrops`).
    /// - Precondition: `groundTruth` (one per image) is given when `needsGroundTruth`.
    public func terms(_ images: Tensor, groundTruth: [GroundTruth]?, motion: ObjectCrops.Motion? = nil) -> [Tensor?] {
        var out: [Tensor?] = features?.terms(images) ?? []
        if let crops {
            precondition(groundTruth?.count == images.shape[0], "MatchingFeatures: crops need one ground truth per image")
            let windows = crops.windows.windows(groundTruth!, width: images.shape[3], height: images.shape[2])
            if windows.isEmpty {
                out += [Tensor?](repeating: nil, count: crops.features.termCount)
            } else {
                out += crops.features.terms(crops.windows.crops(of: images, at: windows, motion: motion)).map(Optional.some)
            }
        }
        return out
    }

    /// `terms` of many images without gradients, in batches of `batchSize`, each term's rows
    /// concatenated in image order (a crop term with no rows at all is nil).
    public func terms(of images: Tensor, groundTruth: [GroundTruth]?, batchSize: Int = 100) -> [Tensor?] {
        withoutGradients {
            let n = images.shape[0]
            let parts = stride(from: 0, to: n, by: batchSize).map { start in
                let range = start..<min(n, start + batchSize)
                return terms(images.slice(axis: 0, range), groundTruth: groundTruth.map { Array($0[range]) })
            }
            return parts[0].indices.map { t in
                let rows = parts.compactMap { $0[t] }
                return rows.isEmpty ? nil : rows.count == 1 ? rows[0] : Tensor.concat(rows, axis: 0)
            }
        }
    }
}
