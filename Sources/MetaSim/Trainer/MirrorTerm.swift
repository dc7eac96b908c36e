import Tensor

/// φ with one more MMD term: φ(x) − φ(mirror(x)), each image's per-image features minus those
/// of its left–right mirror (`[N, D]`).
///
/// A network trained with random flips, as ImageNet classifiers are, gives an image and its
/// mirror nearly the same features, so MMD² in φ barely tells a scene distribution from its
/// mirror (a sun at azimuth a from one at 360° − a across a symmetric road,
/// experiments/driving.yaml). The difference term keeps exactly the part of φ that changes
/// sign under mirroring: it is 0 for a symmetric image and its mirror's is its negation, so
/// a distribution and its mirror image differ in it by twice its mean.
///
/// Cost: one pass of φ per batch more (the mirror; the image's pass gives both `base`'s terms
/// and its per-image features, `termsAndFeatures`). Differentiable in the images like φ.
public struct MirrorTerm: FeatureNetwork {
    /// The network whose terms come first and whose per-image features are mirrored.
    public let base: any FeatureNetwork

    /// `base`'s terms plus the mirror-difference term.
    public init(_ base: any FeatureNetwork) {
        self.base = base
    }

    /// `base`'s per-image features, unchanged.
    public func callAsFunction(_ images: Tensor) -> Tensor { base(images) }

    /// `base.terms(images)`, then `base(images) − base(images mirrored)`, `[N, D]`.
    public func terms(_ images: Tensor) -> [Tensor] {
        termsAndFeatures(images).terms
    }

    /// `terms` and `base`'s per-image features, from one pass of `base` over the images and one
    /// over their mirrors.
    public func termsAndFeatures(_ images: Tensor) -> (terms: [Tensor], features: Tensor) {
        let (terms, features) = base.termsAndFeatures(images)
        return (terms + [features - base(images.reversed(axis: 3))], features)
    }

    /// `base.termCount + 1`.
    public var termCount: Int { base.termCount + 1 }
}
