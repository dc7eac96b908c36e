/// Signed distances (pixels; negative inside) of the procedural shapes, written once over
/// `RenderScalar` so the same code yields values and geometry derivatives.
///
/// All functions take the pixel's position `(lx, ly)` in the shape's frame: relative to its centre
/// and rotated back by its rotation, still in screen pixels (scale not yet removed), so distances
/// stay true distances under non-uniform scale.

/// A procedural shape's outline in local units (multiplied by the layer's scale to get pixels):
/// what every `ShapeKind` reduces its nodes to. Coverage and its exact gradients come from the
/// signed distances below.
public enum ShapeOutline: Equatable, Sendable {
    /// The unit square centred on the origin: `size_x × size_y` pixels once scaled.
    case rectangle
    /// The ellipse inscribed in the unit square.
    case ellipse
    /// A closed polygon (even–odd fill), vertices in local units. At least 3 vertices.
    case polygon([SIMD2<Float>])
    /// An open polyline stroked with round caps and joins, vertices in local units; the stroke's
    /// half width is the layer's `halfWidth` (pixels, not scaled). At least 2 vertices.
    case polyline([SIMD2<Float>])
    /// A circular arc stroked with round caps (an arc road, `RoadArc`), drawn from its exact
    /// distance: in canvas pixels around the layer's centre (the layer's scale does not apply),
    /// turning by at most a half turn (`RoadArc.drawnOutline` makes sharper arcs polylines).
    case arc(RoadArc)
}

/// Coverage of a pixel whose centre lies at signed distance `sd` from the outline: a 1-pixel
/// linear ramp, 1 at `sd ≤ -0.5`, 0 at `sd ≥ 0.5`.
@inline(__always) func edgeCoverage<T: RenderScalar>(_ sd: T) -> T {
    rsClamp(T(0.5) - sd, 0, 1)
}

@inline(__always) func rectangleDistance<T: RenderScalar>(_ lx: T, _ ly: T, _ sx: T, _ sy: T) -> T {
    let qx = rsAbs(lx) - sx * T(0.5)
    let qy = rsAbs(ly) - sy * T(0.5)
    let ox = rsMax(qx, T(0)), oy = rsMax(qy, T(0))
    let outside = (ox * ox + oy * oy).squareRoot()
    let inside = rsMin(rsMax(qx, qy), T(0))
    return outside + inside
}

/// First-order distance to the ellipse with semi-axes `sx/2`, `sy/2`: exact for circles and
/// accurate within the 1-pixel ramp for moderate eccentricity. At the centre it returns minus the
/// smaller semi-axis.
@inline(__always) func ellipseDistance<T: RenderScalar>(_ lx: T, _ ly: T, _ sx: T, _ sy: T) -> T {
    let ax = sx * T(0.5), ay = sy * T(0.5)
    let ux = lx / ax, uy = ly / ay
    let f = (ux * ux + uy * uy).squareRoot()
    let gx = ux / ax, gy = uy / ay
    let g2 = gx * gx + gy * gy
    if g2.value < 1e-12 { return -rsMin(ax, ay) }
    // |∇f| = sqrt(g2) / f, so (f - 1) / |∇f| = (f - 1) f / sqrt(g2).
    return (f - T(1)) * f / g2.squareRoot()
}

/// Distance (px) from `(lx, ly)` to an arc road's centreline (`ArcShape`, same frame): to the
/// circle where the point lies in the arc's wedge (seen from the circle's centre), else to the
/// nearer end. Continuous across the wedge's sides (there the nearest point is that end).
@inline(__always) func arcDistance<T: RenderScalar>(_ lx: T, _ ly: T, _ a: ArcShape) -> T {
    let qy = ly - T(a.centreY)
    let r = (lx * lx + qy * qy).squareRoot()
    if qy.value * a.side >= r.value * a.cosHalfSweep { return rsAbs(r - T(a.radius)) }
    let ax = lx - T(a.end0.x), ay = ly - T(a.end0.y)
    let bx = lx - T(a.end1.x), by = ly - T(a.end1.y)
    return rsMin((ax * ax + ay * ay).squareRoot(), (bx * bx + by * by).squareRoot())
}

/// Distance from `(px, py)` to the segment `a`–`b`, all in pixels.
@inline(__always) func segmentDistance<T: RenderScalar>(_ px: T, _ py: T, _ ax: T, _ ay: T, _ bx: T, _ by: T) -> T {
    let pax = px - ax, pay = py - ay
    let bax = bx - ax, bay = by - ay
    let len2 = bax * bax + bay * bay
    var h: T = T(0)
    if len2.value > 1e-12 { h = rsClamp((pax * bax + pay * bay) / len2, 0, 1) }
    let dx = pax - bax * h, dy = pay - bay * h
    return (dx * dx + dy * dy).squareRoot()
}

/// The first segment of `vertices` (scaled by `sx`, `sy`; segment `i` joins vertices
/// `(i + n − 1) mod n` and `i` when `closed`, else `i − 1` and `i`) nearest to `(px, py)`, by
/// plain `Float` distance, and whether `(px, py)` lies inside the closed outline (even–odd).
/// The index is -1 when no segment is nearer than `Float.greatestFiniteMagnitude`.
///
/// Distances of a polygon or polyline are the minimum over segments; the minimum's derivatives
/// are those of the winning segment. The search runs on values alone and the caller evaluates
/// the winner once in its own number type: the same value (the `Float` operations are those of
/// `segmentDistance`, in the same order) at a fraction of the cost for `GeometryDual` (measured:
/// the per-segment dual arithmetic was most of the aerial VJP).
///
/// `reach` (polylines, from `ShapeRows`): per segment `i` the closed interval of pixel-centre x
/// on the current row outside which the segment is surely farther than the row's outer level;
/// with `X` outside it the segment is skipped. A skipped segment cannot be the nearest where
/// coverage (or visibility) is non-zero, and ties at the minimum are all kept in order, so the
/// first minimum — index and value — is the full search's wherever it matters; elsewhere both
/// give coverage 0. `distance` is that segment's `Float` distance (`segmentDistance`).
@inline(__always) func nearestSegment(_ px: Float, _ py: Float, _ sx: Float, _ sy: Float,
                                              _ vertices: UnsafeBufferPointer<SIMD2<Float>>,
                                              closed: Bool, reach: UnsafePointer<SIMD2<Double>>? = nil,
                                              X: Float = 0) -> (index: Int, inside: Bool, distance: Float) {
    let n = vertices.count
    var best = Float.greatestFiniteMagnitude, bestIndex = -1
    var inside = false
    var j = closed ? n &- 1 : 0
    let x = Double(X)
    for i in (closed ? 0 : 1)..<n {
        if let reach, !closed {
            let r = reach[i]
            if !(x >= r.x && x <= r.y) { j = i; continue }
        }
        let ax = sx * vertices[j].x, ay = sy * vertices[j].y
        let bx = sx * vertices[i].x, by = sy * vertices[i].y
        let d: Float = segmentDistance(px, py, ax, ay, bx, by)
        if !(best <= d) { best = d; bestIndex = i }  // as `rsMin`: first minimum; a NaN is taken, then replaced
        if closed, (by > py) != (ay > py) {
            let xCross = bx + (py - by) * (ax - bx) / (ay - by)
            if px < xCross { inside.toggle() }
        }
        j = i
    }
    return (bestIndex, inside, best)
}

/// `segmentDistance` to segment `i` of `nearestSegment`, in `T`.
@inline(__always) private func distance<T: RenderScalar>(_ lx: T, _ ly: T, _ sx: T, _ sy: T, toSegment i: Int,
                                                       _ vertices: UnsafeBufferPointer<SIMD2<Float>>) -> T {
    let j = i == 0 ? vertices.count &- 1 : i &- 1
    return segmentDistance(lx, ly, sx * T(vertices[j].x), sy * T(vertices[j].y), sx * T(vertices[i].x), sy * T(vertices[i].y))
}

/// `nearest`: `nearestSegment` of the same point, when the caller has it already.
@inline(__always) func polygonDistance<T: RenderScalar>(_ lx: T, _ ly: T, _ sx: T, _ sy: T,
                                                      _ vertices: UnsafeBufferPointer<SIMD2<Float>>,
                                                      nearest: (index: Int, inside: Bool)? = nil) -> T {
    let (i, inside) = nearest ?? { let n = nearestSegment(lx.value, ly.value, sx.value, sy.value, vertices, closed: true); return (n.index, n.inside) }()
    let best = i < 0 ? T(Float.greatestFiniteMagnitude) : distance(lx, ly, sx, sy, toSegment: i, vertices)
    return inside ? -best : best
}

@inline(__always) func polylineDistance<T: RenderScalar>(_ lx: T, _ ly: T, _ sx: T, _ sy: T, _ halfWidth: T,
                                                       _ vertices: UnsafeBufferPointer<SIMD2<Float>>,
                                                       nearest: Int? = nil) -> T {
    let i = nearest ?? nearestSegment(lx.value, ly.value, sx.value, sy.value, vertices, closed: false).index
    let best = i < 0 ? T(Float.greatestFiniteMagnitude) : distance(lx, ly, sx, sy, toSegment: i, vertices)
    return best - halfWidth
}
