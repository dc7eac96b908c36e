import Foundation

/// `frame: parent`: placement relative to a parent road (any parent whose shape offers a
/// `PlacementCurve`, like an arc road): centre = road centre + R(road rotation)·(curve point at
/// `along`, `offset` px to the left), rotation = road rotation + curve heading at `along` +
/// `heading` (degrees, ccw). README.md, "Arc roads and placement on a parent road".
///
/// `setback` (px, the gap between the road's edge and the object's near side) replaces
/// `offset`: offset = sign(`side`) · (road half width + setback + depth / 2). `side` defaults to
/// 1 (left); 0 is an error.
public struct ParentRoadFrame: FrameKind {
    /// Selected by `frame: parent`.
    public var name: String { "parent" }

    /// The frame kind has no settings.
    public init() {}

    /// Attributes that place a node themselves: errors on a node placed by its parent.
    private static let ownPlacement: [AttributeName] = [.locX, .locY, .yaw]

    /// - Throws: `InputError` when the node also sets `loc_x`, `loc_y` or `yaw`, when the parent
    ///   offers no curve (not a drawn road given by `length`), when both `offset` and `setback`
    ///   are given, or when `side` is 0.
    public func place(_ r: AttributeReader, depth: Double, parent: ParentGeometry?) throws -> FramePlacement {
        for name in ParentRoadFrame.ownPlacement where r.value(name) != nil {
            throw r.error(name.string, "has no meaning with `frame: parent`; use along, offset (or setback) and heading")
        }
        guard let parent, let curve = parent.curve else {
            throw r.error("frame", "`frame: parent` needs a parent drawn as `shape: road` with `length` (and optional `curvature`)")
        }
        let along = try r.number(.along) ?? 0
        let heading = try r.number(.heading) ?? 0
        let setback = try r.number(.setback)
        if setback != nil, r.value(.offset) != nil { throw r.error("setback", "give either offset or setback, not both") }
        let sideValue = try r.number(.side) ?? 1
        guard sideValue != 0 else { throw r.error("side", "must be positive (left of the road) or negative (right), not 0") }
        let side: Double = sideValue > 0 ? 1 : -1
        let offset = try setback.map { side * (parent.halfWidth + $0 + depth / 2) } ?? (r.number(.offset) ?? 0)

        let theta = parent.rotation
        let rotation = ScreenRotation(theta)
        let local = curve.point(along: along, offset: offset)
        let world = parent.centre + rotation.apply(local.point)
        let degrees = Double.pi / 180
        let dCentreDOffset = rotation.apply(local.dOffset)
        func centre(_ d: SIMD2<Double>) -> SIMD3<Double> { SIMD3(d.x, d.y, 0) }
        var byAttribute: [(name: String, d: SIMD3<Double>)] = []
        byAttribute.reserveCapacity(3)
        byAttribute.append(("along", SIMD3(rotation.apply(local.dAlong), curve.headingRate(at: along))))
        byAttribute.append(("heading", SIMD3(0, 0, degrees)))
        let roadHeading = curve.heading(at: along)
        var placement = FramePlacement(centre: world, rotation: theta + roadHeading + heading * degrees)
        let foot = parent.centre + rotation.apply(curve.point(along: along, offset: 0).point)
        placement.anchor = FrameAnchor(x: foot.x, y: foot.y, rotation: theta + roadHeading)
        // ∂(centre, rotation) / ∂ parent rotation: the local point turns with the road.
        placement.dParentRotation = SIMD3(rotation.derivative(local.point), 1)
        if setback != nil {
            byAttribute.append(("setback", centre(side * dCentreDOffset)))
            placement.dParentHalfWidth = centre(side * dCentreDOffset)
            placement.dDepth = centre(side * 0.5 * dCentreDOffset)
        } else {
            byAttribute.append(("offset", centre(dCentreDOffset)))
        }
        placement.attributeDerivatives = byAttribute
        return placement
    }
}
