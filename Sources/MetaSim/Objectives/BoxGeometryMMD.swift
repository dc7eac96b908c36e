/// MMD² between the geometry of labelled boxes: the boxes of a rendered batch against the boxes
/// of the labelled target validation images. Each box (DontCare regions left out) is the vector
/// (centre x / W, bottom edge / H, width / H, height / H) of its image box (W × H px), and the
/// two sets of vectors are compared by `MMD` (sum of Gaussian kernels, bandwidths `scales` ×
/// the median pairwise squared distance among the validation boxes, biased estimator).
///
/// Why: a box's bottom row and its height tie the camera's height and pitch to the scene's
/// ground plane. For a car of height H_c on flat ground at depth Z, seen by a camera at height
/// h, the bottom edge lies f·h/Z below the horizon and the box is f·H_c/Z tall, so box height
/// over distance below the horizon is H_c/h: a camera 7 % too low makes every car 7 % taller
/// at the same row. Image features (`FeatureMMD`) register that weakly; the labels state it.
/// The car sizes must then come from the same distribution in the prior and the target, or
/// size and camera height trade off.
///
/// Edge cases: with no box in the rendered batch the value is `2 × scales.count`, the largest
/// the biased estimator can take (every kernel lies in [0, 1] per scale), so an empty batch
/// ranks last; validation images need at least one box in all (`init` returns nil otherwise).
public struct BoxGeometryMMD: Sendable {
    /// The MMD over the validation boxes' vectors.
    public let mmd: MMD
    /// Canvas width and height, px, that box coordinates are divided by.
    public let width: Double, height: Double

    /// The validation boxes of `objects` (one list per image, as `TaskSet.objects`) on a
    /// `width` × `height` px canvas; nil when they hold no box with a class. Preconditions:
    /// `width`, `height` > 0; `scales` non-empty and positive.
    public init?(validation objects: [[LabelledBox]], width: Int, height: Int, scales: [Float]) {
        precondition(width > 0 && height > 0, "BoxGeometryMMD: canvas \(width) × \(height)")
        (self.width, self.height) = (Double(width), Double(height))
        let bank = Self.vectors(objects, width: self.width, height: self.height)
        guard !bank.isEmpty else { return nil }
        mmd = MMD(target: bank, count: bank.count / Self.dimension, dimension: Self.dimension, scales: scales)
    }

    /// Values per box.
    static let dimension = 4

    /// MMD² of the boxes of `objects` (one list per rendered image) against the validation
    /// boxes; ≥ 0. See the type for the empty case.
    public func value(of objects: [[LabelledBox]]) -> Double {
        let generated = Self.vectors(objects, width: width, height: height)
        guard !generated.isEmpty else { return Double(2 * mmd.gammas.count) }
        return mmd.evaluate(generated, count: generated.count / Self.dimension).value
    }

    /// The boxes with a class, as rows of `dimension` values (see the type), row-major.
    static func vectors(_ objects: [[LabelledBox]], width: Double, height: Double) -> [Float] {
        objects.joined().filter { $0.classIndex != nil }.flatMap { o -> [Float] in
            let b = o.box
            return [Float((b.x0 + b.x1) / 2 / width), Float(b.y1 / height), Float(b.width / height), Float(b.height / height)]
        }
    }
}
