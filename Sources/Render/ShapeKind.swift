/// A kind of procedural shape, drawn by nodes whose `shape` attribute is one of its `names`.
///
/// A kind reads the node's shape-specific attributes (`points`, `sides`, `length`...) and
/// reduces them to a `ShapeDrawing`: one of the compositor's outlines (rectangle, ellipse,
/// polygon, polyline; exact gradients come with them) plus how the common attributes apply.
/// The compiler then reads what every drawn node shares (`loc_x`, `loc_y`, `yaw`, sizes,
/// colour, `opacity`, `blend`, `frame`). The built-in kinds (README.md) are registered this
/// way too; add yours to a `ShapeRegistry` and pass it to `CompositorRenderer`.
public protocol ShapeKind: Sendable {
    /// The `shape` values this kind draws, lower case (matched case-insensitively); the first
    /// is the kind's name in messages. A registry gives each name to the last kind registered
    /// with it.
    var names: [String] { get }
    /// Reads the node's shape attributes through `attributes` (typed access and located
    /// errors). Throws `InputError` (make them with `attributes.error(name, message)`) for
    /// missing or malformed attributes. Called once per node and render: keep it cheap.
    func compile(_ attributes: AttributeReader) throws -> ShapeDrawing
}

/// What a `ShapeKind` makes of one node.
public struct ShapeDrawing: Sendable {
    /// How the node's size attributes apply to the outline.
    public enum Sizing: Sendable, Equatable {
        /// The outline fills the unit box: `size_x`, `size_y` (px), `size` (px, both) or the
        /// `scale*` multipliers give its extent (rectangles, ellipses).
        case unitBox
        /// The outline's own coordinates are pixels: only `scale`, `scale_x`, `scale_y`
        /// multiply them; `size*` attributes are an `InputError` (polygons, polylines).
        case scaleOnly
    }

    /// Where the node sits when it has no `loc_x` / `loc_y`.
    public enum DefaultCentre: Sendable, Equatable {
        /// The canvas centre (outlines centred on their origin).
        case canvasCentre
        /// The canvas origin: the outline's points are canvas pixels already (`points` shapes).
        case canvasOrigin
    }

    /// The outline, in local units before the layer's scale, centred on the node's position.
    public var outline: ShapeOutline
    /// How the size attributes apply to `outline`.
    public var sizing: Sizing
    /// Where the node sits without `loc_x` / `loc_y`.
    public var defaultCentre: DefaultCentre
    /// The frame this shape offers its children (nodes with a `frame` attribute, see
    /// `FrameKind`), in its local coordinates before rotation; nil when it offers none.
    public var childFrame: (any PlacementCurve)?

    /// Bundles what a kind made of a node; by default centred on the canvas and offering no child frame.
    public init(outline: ShapeOutline, sizing: Sizing, defaultCentre: DefaultCentre = .canvasCentre,
                childFrame: (any PlacementCurve)? = nil) {
        self.outline = outline
        self.sizing = sizing
        self.defaultCentre = defaultCentre
        self.childFrame = childFrame
    }
}
