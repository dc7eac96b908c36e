/// An axis-aligned box in continuous pixel coordinates: `x0, y0` the top-left corner, `x1, y1`
/// the bottom-right one (KITTI's `left top right bottom`; a box covering pixel columns 3…5 is
/// x0 = 3, x1 = 6). Width and height are `x1 − x0`, `y1 − y0` (no "+1", as KITTI's devkit and
/// pycocotools compute areas).
public struct PixelBox: Sendable, Equatable, Codable {
    /// Left, top, right, bottom edges, px.
    public var x0, y0, x1, y1: Double

    /// A box from its edges, unchecked (an inverted box has zero area).
    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        (self.x0, self.y0, self.x1, self.y1) = (x0, y0, x1, y1)
    }

    /// `x1 − x0`, px (may be negative for an inverted box).
    public var width: Double { x1 - x0 }
    /// `y1 − y0`, px: the height KITTI's difficulty levels test.
    public var height: Double { y1 - y0 }
    /// `max(0, width) · max(0, height)`, px².
    public var area: Double { max(0, width) * max(0, height) }

    /// Area of the overlap of two boxes, px².
    public func intersection(_ other: PixelBox) -> Double {
        let w = min(x1, other.x1) - max(x0, other.x0), h = min(y1, other.y1) - max(y0, other.y0)
        return w > 0 && h > 0 ? w * h : 0
    }

    /// Intersection over union (0 when both are empty).
    public func iou(_ other: PixelBox) -> Double {
        let i = intersection(other)
        let u = area + other.area - i
        return u > 0 ? i / u : 0
    }

    /// Intersection over this box's own area: KITTI's overlap of a detection with a DontCare
    /// region (`boxoverlap(det, dc, 0)` in the devkit's evaluate_object.cpp), pycocotools' IoU
    /// with an `iscrowd` ground truth. 0 for an empty box.
    public func overlapOfSelf(with other: PixelBox) -> Double {
        let a = area
        return a > 0 ? intersection(other) / a : 0
    }

}

/// One ground-truth object of a detection task set (KITTI label fields the evaluation needs).
public struct LabelledBox: Sendable, Equatable, Codable {
    /// Index into the task's classes, or nil for a DontCare region (KITTI type `DontCare`:
    /// detections inside it neither count nor hurt).
    public var classIndex: Int?
    /// The object's 2D box in the image (its full extent, occluded parts included, clipped to the
    /// image, as KITTI's `bbox`).
    public var box: PixelBox
    /// KITTI `truncated`: share of the object outside the image, 0…1.
    public var truncation: Double
    /// KITTI `occluded`: 0 fully visible, 1 partly occluded, 2 largely occluded, 3 unknown.
    public var occlusionLevel: Int

    /// An object from its fields, unchecked.
    public init(classIndex: Int?, box: PixelBox, truncation: Double = 0, occlusionLevel: Int = 0) {
        self.classIndex = classIndex
        self.box = box
        self.truncation = truncation
        self.occlusionLevel = occlusionLevel
    }

}

/// One detection: a class, a box and a confidence score (higher is surer).
public struct Detection: Sendable, Equatable, Codable {
    /// Index into the task's classes.
    public var classIndex: Int
    /// Predicted box, px.
    public var box: PixelBox
    /// Confidence; detections are ranked by it.
    public var score: Double

    /// A detection from its fields.
    public init(classIndex: Int, box: PixelBox, score: Double) {
        self.classIndex = classIndex
        self.box = box
        self.score = score
    }
}
