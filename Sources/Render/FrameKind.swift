/// A way of placing a node relative to its parent's drawn shape, chosen by the node's `frame`
/// attribute (the built-in `parent`: along a road, `ParentRoadFrame`). Placement happens
/// before drawing: the frame gives the node's absolute centre and rotation, and their partial
/// derivatives, which the compiler chains into the node's and the parent's attributes so the
/// VJP reaches both.
public protocol FrameKind: Sendable {
    /// The `frame` value that selects this kind.
    var name: String { get }
    /// Places the node read by `child`.
    /// - Parameters:
    ///   - depth: the node's own height, px (`size_y`, or scale × natural height): its extent
    ///     across the parent's direction when unrotated.
    ///   - parent: the parent's placed geometry, nil when the parent draws nothing.
    /// - Throws: `InputError` (`child.error(...)`) for attributes that do not go with the frame
    ///   or a parent that offers no frame of the right kind.
    func place(_ child: AttributeReader, depth: Double, parent: ParentGeometry?) throws -> FramePlacement
}

/// A curve children can be placed along (an arc road's centreline), in its owner's local frame
/// (relative to its centre, before its rotation; screen pixels, y down, angles counter-clockwise
/// on screen).
public protocol PlacementCurve: Sendable {
    /// The point `offset` px left of the curve at arc length `along`, with `∂/∂along` and
    /// `∂/∂offset`.
    func point(along: Double, offset: Double) -> (point: SIMD2<Double>, dAlong: SIMD2<Double>, dOffset: SIMD2<Double>)
    /// The direction of travel at arc length `s`, radians counter-clockwise.
    func heading(at s: Double) -> Double
    /// `∂ heading / ∂ s` at `s`, radians per px (the curvature).
    func headingRate(at s: Double) -> Double
}

/// A parent as its children's frames see it: where it was placed and what it offers.
public struct ParentGeometry: Sendable {
    /// Centre, canvas px.
    public var centre: SIMD2<Double>
    /// Rotation, radians counter-clockwise on screen.
    public var rotation: Double
    /// Half its stroke width, px (polylines; 0 otherwise).
    public var halfWidth: Double
    /// The curve its shape offers (`ShapeDrawing.childFrame`), nil when none.
    public var curve: (any PlacementCurve)?

    /// Bundles a parent's placed geometry.
    public init(centre: SIMD2<Double>, rotation: Double, halfWidth: Double, curve: (any PlacementCurve)?) {
        self.centre = centre
        self.rotation = rotation
        self.halfWidth = halfWidth
        self.curve = curve
    }
}

/// A node's place on its parent (`FramePlacement.anchor`, `ObjectAnnotation.frameAnchor`).
public struct FrameAnchor: Codable, Equatable, Sendable {
    /// The point on the parent, canvas px (pixel centres at +0.5).
    public var x: Double, y: Double
    /// The parent's direction there, radians counter-clockwise on screen.
    public var rotation: Double
    /// Canvas px per world unit (metre) at the point, for a perspective view (a 3D renderer's:
    /// the focal length over the point's depth); nil on a 2D canvas, whose scale is the same
    /// everywhere.
    public var scale: Double?

    /// Bundles the fields, unchecked.
    public init(x: Double, y: Double, rotation: Double, scale: Double? = nil) {
        self.x = x
        self.y = y
        self.rotation = rotation
        self.scale = scale
    }
}

/// Where a frame put a node, with the partial derivatives of `(centre.x, centre.y, rotation)`
/// (px, px, radians) with respect to everything they depend on.
public struct FramePlacement: Sendable {
    /// Centre, canvas px.
    public var centre: SIMD2<Double>
    /// Rotation, radians counter-clockwise on screen.
    public var rotation: Double
    /// Per attribute of the node itself (in its units: px, degrees...), in the order given.
    public var attributeDerivatives: [(name: String, d: SIMD3<Double>)]
    /// Per parent parameter: centre x, centre y (px), rotation (radians), half width (px).
    public var dParentCentreX: SIMD3<Double>
    /// ∂(centre.x, centre.y, rotation) / ∂(parent centre y, px); default (0, 1, 0).
    public var dParentCentreY: SIMD3<Double>
    /// ∂(centre.x, centre.y, rotation) / ∂(parent rotation, radians); default zero.
    public var dParentRotation: SIMD3<Double>
    /// ∂(centre.x, centre.y, rotation) / ∂(parent half width, px); default zero.
    public var dParentHalfWidth: SIMD3<Double>
    /// Per px of the node's `depth`.
    public var dDepth: SIMD3<Double>
    /// Where the node is attached to its parent, when the frame has such a place: the point
    /// on the parent (canvas px) the node sits beside and the parent's direction there (radians
    /// counter-clockwise on screen) — for a road, the centreline point at `along` and the
    /// direction of travel, whatever the node's `offset`, `setback` and `heading`. Nil: none.
    public var anchor: FrameAnchor?

    /// A placement; the defaults describe a node that moves rigidly with its parent's centre and
    /// depends on nothing else.
    public init(centre: SIMD2<Double>, rotation: Double, attributeDerivatives: [(name: String, d: SIMD3<Double>)] = [],
                dParentCentreX: SIMD3<Double> = SIMD3(1, 0, 0), dParentCentreY: SIMD3<Double> = SIMD3(0, 1, 0),
                dParentRotation: SIMD3<Double> = .zero, dParentHalfWidth: SIMD3<Double> = .zero, dDepth: SIMD3<Double> = .zero) {
        self.centre = centre
        self.rotation = rotation
        self.attributeDerivatives = attributeDerivatives
        self.dParentCentreX = dParentCentreX
        self.dParentCentreY = dParentCentreY
        self.dParentRotation = dParentRotation
        self.dParentHalfWidth = dParentHalfWidth
        self.dDepth = dDepth
    }
}
