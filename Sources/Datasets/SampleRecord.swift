import Foundation
import Render
import Scene

/// One image's labels as JSON Lines and WebDataset write them: the image path (JSON Lines),
/// label, size, scene graph and each object's ground truth with its instance mask as COCO RLE.
///
/// Masks are RLE (`COCORLE`, compressed counts, column-major), not mask image files: one line
/// stays self-contained and small, and pycocotools' `mask.decode` reads it directly. Objects with
/// no visible pixel (hidden, or `outside_canvas`) are kept with `mask: null` and `bbox: null`.
public struct SampleRecord: Codable, Equatable, Sendable {
    /// Image path relative to the dataset folder (JSON Lines); nil in WebDataset, where the PNG sits beside it.
    public var image: String?
    /// Image-level label as given to the writer; nil when none was given.
    public var label: String?
    /// `label`'s integer index in the dataset's class map (`ClassMap`, `classes.json`), when
    /// the writer knows it (WebDataset, JSON Lines); encoded as `label_index`.
    public var labelIndex: Int?
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// The scene graph the image was rendered from.
    public var graph: SceneGraph
    /// One record per drawn object, in ground-truth order, visible or not.
    public var objects: [ObjectRecord]

    /// Builds the record from a render: size and objects from its ground truth, each with its
    /// instance mask encoded as RLE.
    public init(image: String?, label: String?, rendered: RenderedImage, graph: SceneGraph) {
        let truth = rendered.groundTruth
        let masks = COCORLE.instances(of: truth.instanceMask, width: truth.width, height: truth.height)
        self.image = image
        self.label = label
        width = truth.width
        height = truth.height
        self.graph = graph
        objects = truth.objects.map { ObjectRecord($0, mask: masks[$0.instanceId]) }
    }

    private enum CodingKeys: String, CodingKey {
        case image, label, labelIndex = "label_index", width, height, graph, objects
    }
}

/// `ObjectAnnotation` plus its instance mask, with snake_case keys.
public struct ObjectRecord: Codable, Equatable, Sendable {
    /// Index of the scene-graph node that drew it.
    public var node: Int
    /// The node's class (JSON key `class`).
    public var className: String
    /// 1-based id of the object in the render's instance mask.
    public var instanceId: Int
    /// `[x, y, width, height]` (COCO order), nil when nothing is visible.
    public var bbox: [Int]?
    /// Pixels where it is the front-most object.
    public var visiblePixels: Int
    /// Visible share of its unclipped area in [0, 1]; a non-finite value is written as 0.
    public var visibleFraction: Double
    /// True when it lies entirely outside the canvas.
    public var outsideCanvas: Bool
    /// Its visible pixels as COCO RLE; nil when none is visible.
    public var mask: COCORLE?

    /// Copies `object` (box as `[x, y, w, h]`, NaN/infinite visible fraction as 0) and attaches `mask`.
    public init(_ object: ObjectAnnotation, mask: COCORLE?) {
        node = object.node
        className = object.className
        instanceId = object.instanceId
        bbox = object.bbox.map { [$0.x, $0.y, $0.width, $0.height] }
        visiblePixels = object.visiblePixels
        visibleFraction = object.visibleFraction.isFinite ? object.visibleFraction : 0
        outsideCanvas = object.outsideCanvas
        self.mask = mask
    }

    private enum CodingKeys: String, CodingKey {
        case node, className = "class", instanceId = "instance_id", bbox, visiblePixels = "visible_pixels"
        case visibleFraction = "visible_fraction", outsideCanvas = "outside_canvas", mask
    }

    /// Writes `bbox` and `mask` as explicit `null` when absent (a fixed schema per line).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(node, forKey: .node)
        try c.encode(className, forKey: .className)
        try c.encode(instanceId, forKey: .instanceId)
        try c.encode(bbox, forKey: .bbox)
        try c.encode(visiblePixels, forKey: .visiblePixels)
        try c.encode(visibleFraction, forKey: .visibleFraction)
        try c.encode(outsideCanvas, forKey: .outsideCanvas)
        try c.encode(mask, forKey: .mask)
    }
}

/// A `SampleRecord` on its way into a dataset, whose `labelIndex` comes from the writer's class
/// map. When the label is already in the map (or there is none), its index cannot change, so
/// the index and the JSON are fixed at once — off the writer's ordered path (`OrderedAppend`);
/// otherwise both wait for `json(classMap:)`, called in append order.
struct LabelledRecord {
    /// The record; `labelIndex` set when `encoded` is.
    private(set) var record: SampleRecord
    /// The record's JSON (`SampleRecord.jsonBytes`), when it could be made at once.
    private var encoded: [UInt8]?

    /// Reads `classMap` only.
    init(_ record: SampleRecord, classMap: ClassMap) throws {
        self.record = record
        if let label = record.label {
            guard let index = classMap.existingIndex(of: label) else { return }
            self.record.labelIndex = index
        }
        encoded = try self.record.jsonBytes()
    }

    /// The record's JSON, its label index taken from `classMap` (added when new).
    mutating func json(classMap: ClassMap) throws -> [UInt8] {
        if let encoded { return encoded }
        record.labelIndex = record.label.map(classMap.index(of:))
        let json = try record.jsonBytes()
        encoded = json
        return json
    }
}
