/// Draws convex planar polygons given in camera coordinates into `FrameBuffers`, with
/// anti-aliased silhouettes.
///
/// Coverage of a pixel centre: 0 if it fails a hard edge (pixel-centre test with a top-left tie
/// rule: edges shared by two drawn faces of one mesh, so neighbours tile without seams), else the
/// smallest `clamp(0.5 + d, 0, 1)` over soft edges (silhouettes), `d` the signed distance in
/// pixels to the edge (positive inside): a 1-px ramp, so moving an edge by a fraction of a pixel
/// changes the image by a proportional amount. Fragments blend `out = c·colour + (1 − c)·out`;
/// a fragment with coverage ≥ ½ in front of the depth buffer writes depth and instance.
struct Rasterizer {
    /// Near clipping plane, metres of camera z.
    static let near: Float = 0.05
    let camera: Camera3D

    // Scratch, reused between polygons (no allocation per polygon once warm).
    private var clipped: [SIMD3<Float>] = []
    private var clippedSoft: [Bool] = []
    private var edges: [SIMD4<Float>] = []   // a, b, c (d = a·x + b·y + c), soft (1) / hard (0)

    init(camera: Camera3D) {
        self.camera = camera
        clipped.reserveCapacity(16)
        clippedSoft.reserveCapacity(16)
        edges.reserveCapacity(16)
    }

    /// Draws one polygon. `points` are camera coordinates (x right, y down, z forward) of a convex
    /// planar polygon, `soft[i]` says whether edge `points[i] → points[i + 1]` is a silhouette.
    /// `depthTest`: solids test and write depth; ground decals (false) draw over whatever is
    /// there and leave depth alone.
    mutating func draw(_ points: [SIMD3<Float>], soft: [Bool], color: SIMD3<Float>, slot: Int, depthTest: Bool,
                       into frame: inout FrameBuffers) {
        clip(points, soft)
        let n = clipped.count
        guard n >= 3 else { return }
        // Plane of the polygon in camera space (Newell), for 1/z as an affine function of pixels.
        var normal = SIMD3<Float>(repeating: 0)
        var projected: [SIMD2<Float>] = []
        projected.reserveCapacity(n)
        var lo = SIMD2<Float>(repeating: .infinity), hi = SIMD2<Float>(repeating: -.infinity)
        for i in 0..<n {
            let a = clipped[i], b = clipped[(i + 1) % n]
            normal += SIMD3((a.y - b.y) * (a.z + b.z), (a.z - b.z) * (a.x + b.x), (a.x - b.x) * (a.y + b.y))
            let p = camera.project(a)
            projected.append(p)
            lo = pointwiseMin(lo, p)
            hi = pointwiseMax(hi, p)
        }
        if frame.withTruth {
            let e = frame.extent[slot]
            frame.extent[slot] = SIMD4(min(e.x, lo.x), min(e.y, lo.y), max(e.z, hi.x), max(e.w, hi.y))
        }
        var area: Float = 0
        for i in 0..<n {
            let a = projected[i], b = projected[(i + 1) % n]
            area += a.x * b.y - b.x * a.y
        }
        guard abs(area) > 1e-6 else { return }
        let orientation: Float = area > 0 ? 1 : -1
        edges.removeAll(keepingCapacity: true)
        for i in 0..<n {
            let a = projected[i], b = projected[(i + 1) % n]
            let e = b - a
            let length = (e * e).sum().squareRoot()
            guard length > 1e-6 else { continue }
            // d(p) = orientation · cross(e, p − a) / |e|
            let s = orientation / length
            let ea = -e.y * s, eb = e.x * s
            edges.append(SIMD4(ea, eb, -(ea * a.x + eb * a.y), clippedSoft[i] ? 1 : 0))
        }
        let k = (normal * clipped[0]).sum()
        guard abs(k) > 1e-12 else { return }
        let f = camera.focal
        let ia = normal.x / (f * k), ib = normal.y / (f * k)
        let ic = (normal.z - normal.x * camera.cx / f - normal.y * camera.cy / f) / k
        let y0 = max(0, Int((lo.y - 1).rounded(.down))), y1 = min(frame.height - 1, Int((hi.y + 1).rounded(.up)))
        let xLo = max(0, Int((lo.x - 1).rounded(.down))), xHi = min(frame.width - 1, Int((hi.x + 1).rounded(.up)))
        guard y0 <= y1, xLo <= xHi else { return }
        let width = frame.width, withTruth = frame.withTruth
        let instanceValue = UInt16(truncatingIfNeeded: slot + 1), stampValue = Int32(slot)
        var alone = 0, touched = false
        edges.withUnsafeBufferPointer { edges in
        frame.rgb.withUnsafeMutableBufferPointer { rgb in
        frame.depth.withUnsafeMutableBufferPointer { depth in
        frame.instance.withUnsafeMutableBufferPointer { instance in
        frame.stamp.withUnsafeMutableBufferPointer { stamp in
            for y in y0...y1 {
                let py = Float(y) + 0.5
                // The span of columns where every edge allows coverage (soft: d > −½, hard: d ≥ 0).
                var from = Float(xLo) + 0.5, to = Float(xHi) + 0.5
                for e in edges {
                    let margin: Float = e.w > 0 ? 0.5 : 0
                    let rest = e.y * py + e.z + margin      // need e.x·px + rest ≥ 0
                    if e.x > 1e-9 { from = max(from, -rest / e.x) }
                    else if e.x < -1e-9 { to = min(to, -rest / e.x) }
                    else if rest < 0 { to = -1 }
                }
                guard to >= from else { continue }
                let xs = max(xLo, Int((from - 0.5).rounded(.down))), xe = min(xHi, Int((to - 0.5).rounded(.up)))
                guard xs <= xe else { continue }
                for x in xs...xe {
                    let px = Float(x) + 0.5
                    var coverage: Float = 1
                    for e in edges {
                        let d = e.x * px + e.y * py + e.z
                        if e.w > 0 {
                            coverage = min(coverage, d + 0.5)
                        } else if d < 0 || (d == 0 && !(e.x > 0 || (e.x == 0 && e.y > 0))) {
                            coverage = 0
                        }
                    }
                    guard coverage > 0 else { continue }
                    coverage = min(coverage, 1)
                    let p = y * width + x
                    let inverse = ia * px + ib * py + ic
                    guard inverse > 0 else { continue }
                    let z = 1 / inverse
                    touched = true
                    if withTruth && coverage >= 0.5 && stamp[p] != stampValue {
                        stamp[p] = stampValue
                        alone += 1
                    }
                    if depthTest {
                        guard z < depth[p] else { continue }
                        if coverage >= 0.5 { depth[p] = z }
                    }
                    let keep = 1 - coverage
                    rgb[3 * p] = coverage * color.x + keep * rgb[3 * p]
                    rgb[3 * p + 1] = coverage * color.y + keep * rgb[3 * p + 1]
                    rgb[3 * p + 2] = coverage * color.z + keep * rgb[3 * p + 2]
                    if withTruth && coverage >= 0.5 { instance[p] = instanceValue }
                }
            }
        }}}}}
        if withTruth {
            frame.alone[slot] += alone
            if touched { frame.touched[slot] = true }
        }
    }

    /// Sutherland–Hodgman against z ≥ near, carrying each edge's soft flag (new clip edges are soft).
    private mutating func clip(_ points: [SIMD3<Float>], _ soft: [Bool]) {
        clipped.removeAll(keepingCapacity: true)
        clippedSoft.removeAll(keepingCapacity: true)
        let n = points.count, near = Rasterizer.near
        for i in 0..<n {
            let a = points[i], b = points[(i + 1) % n]
            let aIn = a.z >= near, bIn = b.z >= near
            if aIn {
                clipped.append(a); clippedSoft.append(soft[i])
                if !bIn {
                    clipped.append(a + (b - a) * ((near - a.z) / (b.z - a.z))); clippedSoft.append(true)
                }
            } else if bIn {
                clipped.append(a + (b - a) * ((near - a.z) / (b.z - a.z))); clippedSoft.append(soft[i])
            }
        }
    }
}
