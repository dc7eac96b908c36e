import Diagnostics
import Foundation
import Scene

/// Placement relative to a parent road (`frame: parent`), resolved to an absolute centre and
/// rotation before drawing, with the chain rule recorded as `ParameterLink`s so the VJP reaches
/// the child's `along`, `offset`, `heading`, `setback` and the parent's own `loc_x`, `loc_y`,
/// `yaw`, `width` (README.md, "Placement on a parent road").
extension LayerCompiler {
    /// The arc of a `shape: road` node given by `length` (and optional `curvature`) instead of
    /// `points`; nil when the node has points (or neither). Throws for a non-positive length,
    /// and for scale attributes (an arc road's size is its length and width).
    func roadArc(_ r: inout AttributeReader) throws -> RoadArc? {
        guard r.value("points") == nil, let length = try r.number("length") else { return nil }
        guard length > 0 else { throw r.error("length", "must be > 0 pixels, got \(length)") }
        for name in ["scale", "scale_x", "scale_y"] where r.value(name) != nil {
            throw r.error(name, "has no meaning for a road given by length and curvature; change length or width")
        }
        return RoadArc(length: length, curvature: try r.number("curvature") ?? 0)
    }

    /// Moves `layer` (compiled from `node` with its own size, colour...) onto its parent road:
    /// centre = road centre + R(road rotation)·(arc point at `along`, `offset` px to the left),
    /// rotation = road rotation + road heading at `along` + `heading` (degrees, ccw).
    ///
    /// `setback` (px, the gap between the road's edge and the object's near side) replaces
    /// `offset`: offset = sign(`side`) · (road half width + setback + depth / 2), depth = the
    /// layer's height (`size_y`, scaleY × natural height: its extent across the road when
    /// `heading` is 0 or 180). `side` defaults to 1 (left); 0 is an error.
    ///
    /// - Throws: `InputError` when the node also sets `loc_x`, `loc_y` or `yaw`, when the parent
    ///   is not a drawn road given by `length`, or when both `offset` and `setback` are given.
    func placeOnParent(_ layer: inout Layer, _ r: inout AttributeReader, natural: SIMD2<Float>,
                       parent: Layer?, parentArc: RoadArc?) throws {
        for name in ["loc_x", "loc_y", "yaw"] where r.value(name) != nil {
            throw r.error(name, "has no meaning with `frame: parent`; use along, offset (or setback) and heading")
        }
        guard let parent, let arc = parentArc else {
            throw r.error("frame", "`frame: parent` needs a parent drawn as `shape: road` with `length` (and optional `curvature`)")
        }
        let along = try r.number("along") ?? 0
        let heading = try r.number("heading") ?? 0
        let setback = try r.number("setback")
        if setback != nil, r.value("offset") != nil { throw r.error("setback", "give either offset or setback, not both") }
        let sideValue = try r.number("side") ?? 1
        guard sideValue != 0 else { throw r.error("side", "must be positive (left of the road) or negative (right), not 0") }
        let side: Double = sideValue > 0 ? 1 : -1
        let depth = Double(layer[.scaleY] * natural.y)
        let roadHalfWidth = Double(parent[.halfWidth])
        let offset = try setback.map { side * (roadHalfWidth + $0 + depth / 2) } ?? (r.number("offset") ?? 0)

        let theta = Double(parent[.rotation])
        let centre = SIMD2(Double(parent[.centreX]), Double(parent[.centreY]))
        let local = arc.point(along: along, offset: offset)
        let world = centre + rotateOnScreen(local.point, theta)
        let degrees = Double.pi / 180
        layer[.centreX] = Float(world.x)
        layer[.centreY] = Float(world.y)
        layer[.rotation] = Float(theta + arc.heading(at: along) + heading * degrees)

        // ∂(centre, rotation) / ∂(offset), then the chain through whatever moves the offset.
        let dCentreDOffset = rotateOnScreen(local.dOffset, theta)
        var links: [ParameterLink] = []
        func add(_ p: LayerParameter, _ attribute: String, _ weight: Double, node: Int?) {
            if weight != 0 { links.append(ParameterLink(parameter: p, attribute: attribute, weight: Float(weight), node: node)) }
        }
        func addCentre(_ attribute: String, _ d: SIMD2<Double>, node: Int?) {
            add(.centreX, attribute, d.x, node: node)
            add(.centreY, attribute, d.y, node: node)
        }
        let dAlong = rotateOnScreen(local.dAlong, theta)
        addCentre("along", dAlong, node: nil)
        add(.rotation, "along", arc.curvature, node: nil)
        add(.rotation, "heading", degrees, node: nil)
        if setback != nil {
            addCentre("setback", side * dCentreDOffset, node: nil)
            // depth = scaleY · natural height: whatever drives scaleY moves the offset by half.
            for link in layer.links where link.parameter == .scaleY {
                addCentre(link.attribute, side * 0.5 * Double(natural.y * link.weight) * dCentreDOffset, node: link.node)
            }
        } else {
            addCentre("offset", dCentreDOffset, node: nil)
        }
        // The parent's parameters, through its own links (which may reach further up).
        let dCentreDTheta = rotateOnScreenDerivative(local.point, theta)
        for link in parent.links {
            let owner = link.node ?? parent.node
            let w = Double(link.weight)
            switch link.parameter {
            case .centreX: add(.centreX, link.attribute, w, node: owner)
            case .centreY: add(.centreY, link.attribute, w, node: owner)
            case .rotation:
                addCentre(link.attribute, w * dCentreDTheta, node: owner)
                add(.rotation, link.attribute, w, node: owner)
            case .halfWidth where setback != nil:
                addCentre(link.attribute, w * side * dCentreDOffset, node: owner)
            default: break
            }
        }
        layer.links.removeAll { $0.parameter == .centreX || $0.parameter == .centreY || $0.parameter == .rotation }
        layer.links += links
    }
}
