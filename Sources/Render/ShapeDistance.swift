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

@inline(__always) func polygonDistance<T: RenderScalar>(_ lx: T, _ ly: T, _ sx: T, _ sy: T,
                                                      _ vertices: UnsafeBufferPointer<SIMD2<Float>>) -> T {
    let n = vertices.count
    var best: T = T(Float.greatestFiniteMagnitude)
    var inside = false
    var j = n - 1
    for i in 0..<n {
        let ax = sx * T(vertices[j].x), ay = sy * T(vertices[j].y)
        let bx = sx * T(vertices[i].x), by = sy * T(vertices[i].y)
        best = rsMin(best, segmentDistance(lx, ly, ax, ay, bx, by))
        // Even–odd crossing test on values.
        let ayv = ay.value, byv = by.value, pyv = ly.value
        if (byv > pyv) != (ayv > pyv) {
            let xCross = bx.value + (pyv - byv) * (ax.value - bx.value) / (ayv - byv)
            if lx.value < xCross { inside.toggle() }
        }
        j = i
    }
    return inside ? -best : best
}

@inline(__always) func polylineDistance<T: RenderScalar>(_ lx: T, _ ly: T, _ sx: T, _ sy: T, _ halfWidth: T,
                                                       _ vertices: UnsafeBufferPointer<SIMD2<Float>>) -> T {
    var best: T = T(Float.greatestFiniteMagnitude)
    for i in 1..<vertices.count {
        let ax = sx * T(vertices[i - 1].x), ay = sy * T(vertices[i - 1].y)
        let bx = sx * T(vertices[i].x), by = sy * T(vertices[i].y)
        best = rsMin(best, segmentDistance(lx, ly, ax, ay, bx, by))
    }
    return best - halfWidth
}
