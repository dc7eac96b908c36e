import Render
import Tensor

/// MMD² between generated and target images, summed over the terms of `MatchingFeatures`
/// (φ's terms, object crops): each term has its own target bank and its own kernel bandwidths
/// (`MMD`'s median heuristic on that term's bank), so a term of few dimensions or small
/// distances is not drowned by another.
///
/// A term with more rows than `maxSamples` (the local feature vectors of `_patches` stages:
/// `N·h·w` rows) is thinned to `maxSamples` evenly spaced rows, for the bank once and for each
/// generated batch; the kernel matrices stay at most `maxSamples²`. A generated batch whose crop
/// term has no rows (no object of the crop classes visible) adds nothing for that term.
public struct FeatureMMD {
    /// What images are compared in.
    public let features: MatchingFeatures
    /// One `MMD` per term, in term order.
    public let terms: [MMD]
    /// The most rows of one term compared (≥ 2).
    public let maxSamples: Int

    /// Target banks from the terms of `targetImages` (`[M, C, H, W]`, with their ground truth
    /// when `features` crops), each thinned to `maxSamples` rows; kernel `scales` and `unbiased`
    /// as in `MMD`.
    /// - Precondition: `maxSamples ≥ 2`, at least one row per term (two when `unbiased`): the
    ///   caller checks that the target shows objects of the crop classes.
    public init(features: MatchingFeatures, targetImages: Tensor, targetGroundTruth: [GroundTruth]? = nil,
                scales: [Float], unbiased: Bool, maxSamples: Int) {
        precondition(maxSamples >= 2, "FeatureMMD: maxSamples must be at least 2")
        self.features = features
        self.maxSamples = maxSamples
        self.terms = features.terms(of: targetImages, groundTruth: targetGroundTruth).map { bank in
            guard let bank else { preconditionFailure("FeatureMMD: the target images show no object to crop") }
            let rows = Self.thinnedRows(bank.shape[0], maxSamples)
            let d = bank.shape[1]
            return MMD(target: Self.rows(bank.data, rows, d), count: rows.count, dimension: d, scales: scales, unbiased: unbiased)
        }
    }

    /// Whole-image φ only (no crops).
    public init(features: any FeatureNetwork, targetImages: Tensor, scales: [Float], unbiased: Bool, maxSamples: Int) {
        self.init(features: MatchingFeatures(features: features), targetImages: targetImages,
                  scales: scales, unbiased: unbiased, maxSamples: maxSamples)
    }

    /// MMD² of a generated batch's terms (`samples`, in term order, each `[S_t, D_t]` or nil)
    /// and for each term the gradient seed (same shape; zero on rows thinned away; nil for a
    /// nil term or one too small for the unbiased estimator).
    /// - Precondition: the terms match the banks in number and widths.
    public func evaluate(_ samples: [Tensor?]) -> (value: Double, seeds: [Tensor?]) {
        precondition(samples.count == terms.count, "FeatureMMD: \(samples.count) terms against \(terms.count) banks")
        var value = 0.0
        let seeds = zip(samples, terms).map { sample, mmd -> Tensor? in
            guard let sample, sample.shape[0] >= (mmd.unbiased ? 2 : 1) else { return nil }
            let (n, d) = (sample.shape[0], sample.shape[1])
            let rows = Self.thinnedRows(n, maxSamples)
            let (v, g) = mmd.evaluate(Self.rows(sample.data, rows, d), count: rows.count)
            value += v
            guard rows.count < n else { return Tensor(shape: sample.shape, data: g) }
            var seed = [Float](repeating: 0, count: n * d)
            for (k, r) in rows.enumerated() { for j in 0..<d { seed[r * d + j] = g[k * d + j] } }
            return Tensor(shape: sample.shape, data: seed)
        }
        return (value, seeds)
    }

    /// MMD² of `images` (`[N, C, H, W]`, with their ground truth when cropping), without gradients.
    public func value(of images: Tensor, groundTruth: [GroundTruth]? = nil) -> Double {
        evaluate(features.terms(of: images, groundTruth: groundTruth)).value
    }

    /// MMD² of `images` and a scalar whose gradient is MMD²'s (`Σ_t ⟨seed_t, term_t⟩`, seeds
    /// constant), to differentiate back through φ and whatever made the images.
    public func loss(of images: Tensor, groundTruth: [GroundTruth]? = nil,
                     motion: ObjectCrops.Motion? = nil) -> (value: Double, surrogate: Tensor) {
        let samples = features.terms(images, groundTruth: groundTruth, motion: motion)
        let (value, seeds) = evaluate(samples)
        let parts = zip(samples, seeds).compactMap { sample, seed in seed.map { (sample! * $0).sum() } }
        return (value, parts.reduce((images * 0).sum(), +))
    }

    /// `count` rows of `0..<total`, evenly spaced from 0 (all of them when `total ≤ count`).
    static func thinnedRows(_ total: Int, _ count: Int) -> [Int] {
        total <= count ? Array(0..<total) : (0..<count).map { $0 * total / count }
    }

    static func rows(_ data: [Float], _ rows: [Int], _ d: Int) -> [Float] {
        if rows.count * d == data.count { return data }
        var out = [Float](); out.reserveCapacity(rows.count * d)
        for r in rows { out.append(contentsOf: data[(r * d)..<((r + 1) * d)]) }
        return out
    }
}
