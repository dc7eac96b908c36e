import Codecs

/// What a renderer knows about one image besides its pixels: per drawn object, where it is
/// visible; per pixel, which object and class it shows.
///
/// Masks are `height × width`, row-major. `instanceMask[p]` is 0 where no object is visible and
/// `k` where `objects[k - 1]` is the front-most visible object. `semanticMask[p]` is 0 for
/// background and `i + 1` for class `classes[i]`, where `classes` is the renderer's class list
/// (the same for every image a renderer draws, so datasets can number categories once).
public struct GroundTruth: Codable, Equatable, Sendable {
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// Every object layer in drawing order (back to front; backgrounds excluded), hidden and
    /// off-canvas ones included; `objects[k - 1]` has instance id `k`.
    public var objects: [ObjectAnnotation]
    /// `height × width` instance ids, row-major (see the type's description).
    public var instanceMask: [UInt16]
    /// `height × width` class ids, row-major (see the type's description).
    public var semanticMask: [UInt16]

    /// Wraps the parts without checking that the masks hold `width × height` values.
    public init(width: Int, height: Int, objects: [ObjectAnnotation], instanceMask: [UInt16], semanticMask: [UInt16]) {
        self.width = width
        self.height = height
        self.objects = objects
        self.instanceMask = instanceMask
        self.semanticMask = semanticMask
    }
}

/// One drawn object of an image.
public struct ObjectAnnotation: Codable, Equatable, Sendable {
    /// Index of the scene-graph node that drew it.
    public var node: Int
    /// The node's class.
    public var className: String
    /// Its 1-based instance id, as written in `GroundTruth.instanceMask`.
    public var instanceId: Int
    /// Tight box of its visible pixels, nil when none is visible.
    public var bbox: BoundingBox?
    /// Number of pixels where it is the front-most object.
    public var visiblePixels: Int
    /// Visible pixels over the pixels it would cover alone on an unbounded canvas (0 when it
    /// covers none, 1 when nothing hides or crops it).
    public var visibleFraction: Double
    /// True when the object lies entirely outside the canvas. Such objects stay in the list,
    /// marked, rather than silently disappearing.
    public var outsideCanvas: Bool

    /// Makes an annotation from its fields, unchecked.
    public init(node: Int, className: String, instanceId: Int, bbox: BoundingBox?, visiblePixels: Int,
                visibleFraction: Double, outsideCanvas: Bool) {
        self.node = node
        self.className = className
        self.instanceId = instanceId
        self.bbox = bbox
        self.visiblePixels = visiblePixels
        self.visibleFraction = visibleFraction
        self.outsideCanvas = outsideCanvas
    }
}

/// An axis-aligned box in pixels: `x`, `y` of the top-left corner, `width`, `height`
/// (COCO's [x, y, w, h]); a single visible pixel at (3, 4) is (3, 4, 1, 1).
public struct BoundingBox: Codable, Equatable, Sendable {
    /// Left column of the box, px.
    public var x: Int
    /// Top row of the box, px.
    public var y: Int
    /// Columns covered, px (≥ 1 for a box of visible pixels).
    public var width: Int
    /// Rows covered, px (≥ 1 for a box of visible pixels).
    public var height: Int

    /// A box from its top-left corner and size, unchecked.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// A rendered image with its ground truth.
public struct RenderedImage: Equatable, Sendable {
    /// The pixels, at the renderer's canvas size and channel count.
    public var image: Image
    /// Masks and per-object annotations of the same image.
    public var groundTruth: GroundTruth

    /// Pairs an image with its ground truth, unchecked.
    public init(image: Image, groundTruth: GroundTruth) {
        self.image = image
        self.groundTruth = groundTruth
    }
}
