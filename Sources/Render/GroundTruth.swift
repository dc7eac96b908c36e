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
    /// Optional depth map (3D renderers): `height × width`, row-major, metres along the camera's
    /// optical axis (camera z) of the front-most surface at each pixel centre; 0 where there is
    /// none (sky). Nil for renderers without depth (the 2D compositor).
    public var depth: [Float]?

    /// Wraps the parts without checking that the masks (and `depth`) hold `width × height` values.
    public init(width: Int, height: Int, objects: [ObjectAnnotation], instanceMask: [UInt16], semanticMask: [UInt16],
                depth: [Float]? = nil) {
        self.width = width
        self.height = height
        self.objects = objects
        self.instanceMask = instanceMask
        self.semanticMask = semanticMask
        self.depth = depth
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
    /// 3D renderers only (nil otherwise): the pixel box of everything the object would cover alone
    /// on an unbounded canvas — floor/ceil of its projected extent — so it may reach past the
    /// canvas (negative `x`, `x + width > canvas width`). Nil when nothing of it is in front of
    /// the camera.
    public var fullBBox: BoundingBox?
    /// 3D renderers only: fraction (0...1) of `fullBBox`'s continuous extent that lies outside
    /// the canvas (KITTI's truncation, box-based). 1 when nothing is in front of the camera.
    public var truncation: Double?
    /// 3D renderers only: fraction (0...1) of the object's pixels inside the canvas that other
    /// objects hide: 1 − visiblePixels / pixels it would cover alone on this canvas (0 when it
    /// covers none).
    public var occlusion: Double?
    /// 3D renderers only: the object's 3D box in camera coordinates (KITTI conventions), nil
    /// for flat things (roads).
    public var box3D: Box3D?
    /// The node's place on its parent, nil for nodes without one: 2D compositor, nodes placed by
    /// a frame (`frame: parent`): a road's centreline point at `along` and its direction of
    /// travel; 3D renderer, cars: their lane's centre at `along` (at half the car's height), the
    /// lane's direction of travel on screen, and the scale there.
    public var frameAnchor: FrameAnchor?

    /// Makes an annotation from its fields, unchecked.
    public init(node: Int, className: String, instanceId: Int, bbox: BoundingBox?, visiblePixels: Int,
                visibleFraction: Double, outsideCanvas: Bool, fullBBox: BoundingBox? = nil, truncation: Double? = nil,
                occlusion: Double? = nil, box3D: Box3D? = nil) {
        self.fullBBox = fullBBox
        self.truncation = truncation
        self.occlusion = occlusion
        self.box3D = box3D
        self.node = node
        self.className = className
        self.instanceId = instanceId
        self.bbox = bbox
        self.visiblePixels = visiblePixels
        self.visibleFraction = visibleFraction
        self.outsideCanvas = outsideCanvas
    }
}

/// A 3D box in KITTI's camera conventions: x right, y down, z forward (metres), in the level
/// camera frame (the camera's position and yaw, without its pitch: y is straight down). The box
/// stands on its `location` (the centre of its bottom face); `rotationY` (radians, in [−π, π))
/// turns it around y: the object's forward direction is (cos rotationY, 0, −sin rotationY), so a
/// car driving straight away from the camera has rotationY = −π/2.
public struct Box3D: Codable, Equatable, Sendable {
    /// Centre of the bottom face, metres: x right, y down (camera height for things on the
    /// ground), z forward.
    public var x: Double
    public var y: Double
    public var z: Double
    /// Extent along the object's up, across and forward axes, metres (KITTI h, w, l).
    public var height: Double
    public var width: Double
    public var length: Double
    /// Rotation around the camera's y axis, radians in [−π, π).
    public var rotationY: Double

    public init(x: Double, y: Double, z: Double, height: Double, width: Double, length: Double, rotationY: Double) {
        self.x = x
        self.y = y
        self.z = z
        self.height = height
        self.width = width
        self.length = length
        self.rotationY = rotationY
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
