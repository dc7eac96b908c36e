/// The shapes (`shape: NAME`) and frames (`frame: NAME`) a `CompositorRenderer` knows: the one
/// place the compiler looks them up. `standard` holds the built-in ones (README.md); copy it
/// and register your own (a value type: registering changes only your copy).
///
/// ```swift
/// var shapes = ShapeRegistry.standard
/// shapes.register(StarShape())              // nodes with `shape: star` now draw
/// let renderer = try CompositorRenderer(canvas: canvas, classes: classes, shapes: shapes)
/// ```
public struct ShapeRegistry: Sendable {
    private var shapes: [String: any ShapeKind] = [:]
    private var frames: [String: any FrameKind] = [:]
    /// Every registered shape name, in registration order (for messages).
    public private(set) var shapeNames: [String] = []
    /// Every registered frame name, in registration order.
    public private(set) var frameNames: [String] = []

    /// An empty registry (nothing but backgrounds and sprites draws).
    public init() {}

    /// The built-in shapes — `rectangle` (`rect`, `square`), `ellipse` (`circle`), `polygon`,
    /// `polyline`, `road` (points or an arc) — and the frame `parent` (placement on an arc road).
    public static let standard: ShapeRegistry = {
        var r = ShapeRegistry()
        r.register(RectangleShape())
        r.register(EllipseShape())
        r.register(PolygonShape())
        r.register(PolylineShape())
        r.register(RoadShape())
        r.register(frame: ParentRoadFrame())
        return r
    }()

    /// Registers `kind` under each of its names (lower-cased); a name already taken now
    /// means `kind`.
    public mutating func register(_ kind: any ShapeKind) {
        for name in kind.names.map({ $0.lowercased() }) {
            if shapes.updateValue(kind, forKey: name) == nil { shapeNames.append(name) }
        }
    }

    /// Registers `frame` under its name; a name already taken now means `frame`.
    public mutating func register(frame: any FrameKind) {
        if frames.updateValue(frame, forKey: frame.name) == nil { frameNames.append(frame.name) }
    }

    /// The shape kind drawing `shape: name` (case-insensitive), nil when none.
    public func shape(named name: String) -> (any ShapeKind)? {
        shapes[name] ?? shapes[name.lowercased()]
    }

    /// The frame kind of `frame: name`, nil when none.
    public func frame(named name: String) -> (any FrameKind)? {
        frames[name]
    }
}
