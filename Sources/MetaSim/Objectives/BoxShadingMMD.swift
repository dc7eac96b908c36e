import Codecs
import Tensor

/// MMD² between how labelled objects are lit: the shading of each box of a rendered batch
/// against that of the boxes of the labelled target validation images. Each box (DontCare
/// regions left out; at least `minimumSide` px wide and tall once clipped to the image and
/// rounded outwards to whole pixels) is cut into 3 × 3 cells of near-equal size, and its vector
/// holds each cell's mean luminance over the whole box's mean (rows top first; Rec. 601
/// luminance 0.299 R + 0.587 G + 0.114 B, a grey image's value, alpha ignored). The two sets of
/// vectors are compared by `MMD` (sum of Gaussian kernels, bandwidths `scales` × the median
/// pairwise squared distance among the validation vectors, biased estimator).
///
/// Why: the side of an object facing the light is brighter than the side facing away, so where
/// the light falls inside the box tells where it comes from: its azimuth (left against right
/// turns over with the mirrored light) and its elevation (roof against the face below). Features
/// of whole images (`FeatureMMD`) weigh this weakly against everything else in the picture; the
/// boxes say where to look. Dividing by the box's mean removes a paint or a light that is
/// brighter or darker all over; what is not painted (glass, tyres) or is clipped at white still
/// ties the shading to the paint, so a prior whose paint differs from the target's shifts the
/// valley (driving: Sources/MetaSim/README.md).
///
/// Edge cases: a box of mean luminance 0 has every cell at 1; with no eligible box in the
/// rendered batch the value is `2 × scales.count`, the largest the biased estimator can take, so
/// such a batch ranks last; `init` returns nil when the validation images hold no eligible box.
public struct BoxShadingMMD: Sendable {
    /// The MMD over the validation boxes' shading vectors.
    public let mmd: MMD
    /// Smallest width and height, px, of a box (clipped to its image, rounded outwards to whole
    /// pixels) that is used: cells of a smaller box are 1 px wide and mostly edge.
    public static let minimumSide = 6
    /// Cells per side of a box.
    static let cells = 3

    /// Values per box.
    static let dimension = cells * cells

    /// The validation boxes of `objects` (one list per image, as `TaskSet.objects`) on
    /// `images` (`[N, C, H, W]`, the images `objects` label, values in [0, 1]); nil when no box
    /// with a class is large enough. Preconditions: `objects.count == N`; `scales` non-empty and
    /// positive.
    public init?(validation images: Tensor, objects: [[LabelledBox]], scales: [Float]) {
        precondition(images.rank == 4 && images.shape[0] == objects.count,
                     "BoxShadingMMD: \(objects.count) box lists for images of shape \(images.shape)")
        let (c, h, w) = (images.shape[1], images.shape[2], images.shape[3])
        let plane = h * w
        var bank: [Float] = []
        images.data.withUnsafeBufferPointer { data in
            for (n, boxes) in objects.enumerated() {
                let luminance = Self.luminance(channels: c, count: plane) { p, k in data[(n * c + k) * plane + p] }
                bank += Self.shading(boxes, luminance: luminance, width: w, height: h)
            }
        }
        guard !bank.isEmpty else { return nil }
        mmd = MMD(target: bank, count: bank.count / Self.dimension, dimension: Self.dimension, scales: scales)
    }

    /// MMD² of the boxes of `objects` (one list per rendered image) on `images` (same count and
    /// order) against the validation boxes; ≥ 0. See the type for the empty case.
    public func value(of images: [Image], objects: [[LabelledBox]]) -> Double {
        precondition(images.count == objects.count, "BoxShadingMMD: \(objects.count) box lists for \(images.count) images")
        var generated: [Float] = []
        for (image, boxes) in zip(images, objects) {
            let c = image.channels
            let luminance = Self.luminance(channels: c, count: image.width * image.height) { p, k in image.pixels[p * c + k] }
            generated += Self.shading(boxes, luminance: luminance, width: image.width, height: image.height)
        }
        guard !generated.isEmpty else { return Double(2 * mmd.gammas.count) }
        return mmd.evaluate(generated, count: generated.count / Self.dimension).value
    }

    /// Rec. 601 luminance of `count` pixels whose channel `k` of pixel `p` is `value(p, k)`;
    /// 1 channel: the value; 2 (grey + alpha): the grey; 3 or 4: RGB, alpha ignored.
    static func luminance(channels: Int, count: Int, _ value: (Int, Int) -> Float) -> [Float] {
        guard channels >= 3 else { return (0..<count).map { value($0, 0) } }
        return (0..<count).map { 0.299 * value($0, 0) + 0.587 * value($0, 1) + 0.114 * value($0, 2) }
    }

    /// The shading vectors (see the type) of the eligible boxes of one image, row-major.
    static func shading(_ boxes: [LabelledBox], luminance: [Float], width: Int, height: Int) -> [Float] {
        func mean(_ xs: Range<Int>, _ ys: Range<Int>) -> Float {
            var total: Float = 0
            for y in ys { for x in xs { total += luminance[y * width + x] } }
            return total / Float(xs.count * ys.count)
        }
        return boxes.filter { $0.classIndex != nil }.flatMap { o -> [Float] in
            let b = o.box
            guard b.x0.isFinite, b.y0.isFinite, b.x1.isFinite, b.y1.isFinite else { return [] }
            func clipped(_ v: Double, _ limit: Int) -> Int { Int(min(max(v, 0), Double(limit))) }
            let x0 = clipped(b.x0.rounded(.down), width), x1 = clipped(b.x1.rounded(.up), width)
            let y0 = clipped(b.y0.rounded(.down), height), y1 = clipped(b.y1.rounded(.up), height)
            guard x1 - x0 >= minimumSide, y1 - y0 >= minimumSide else { return [] }
            let whole = mean(x0..<x1, y0..<y1)
            // Cell edges at whole-pixel thirds: sizes differ by at most one pixel.
            let xs = (0...cells).map { x0 + (x1 - x0) * $0 / cells }, ys = (0...cells).map { y0 + (y1 - y0) * $0 / cells }
            return (0..<cells).flatMap { i in
                (0..<cells).map { j in whole > 0 ? mean(xs[j]..<xs[j + 1], ys[i]..<ys[i + 1]) / whole : 1 }
            }
        }
    }
}
