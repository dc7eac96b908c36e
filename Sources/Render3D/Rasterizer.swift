/// Draws convex planar polygons given in camera coordinates into `FrameBuffers`, with
/// anti-aliased silhouettes.
///
/// Coverage of a pixel centre: 0 if it fails a hard edge (pixel-centre test with a top-left tie
/// rule: edges shared by two drawn faces of one mesh, so neighbours tile without seams), else the
/// smallest `clamp(1 + d, 0, 1)` over soft edges (silhouettes), `d` the signed distance in
/// pixels to the edge (positive inside): a 1-px ramp just outside each silhouette, so moving an
/// edge by a fraction of a pixel changes the image by a proportional amount. The ramp is
/// one-sided (coverage 1 wherever the centre is inside) so that a face turning from back- to
/// front-facing, which turns its neighbours' shared edge from soft to hard, changes nothing
/// abruptly: the new sliver face's outer edge takes over the same ramp. Fragments blend
/// `out = c·colour + (1 − c)·out` (solids: through `FrameBuffers.partials`, so that the nearest
/// partial fragment lies over whatever opaque surface ends up behind it); a fragment whose pixel
/// centre is inside (c = 1) and in front of the depth buffer writes depth and instance.
struct Rasterizer {
    /// Near clipping plane, metres of camera z.
    static let near: Float = 0.05
    /// Relative depth margin a partial (ramp) fragment needs to count as in front.
    static let partialDepthMargin: Float = 1e-3
    let camera: Camera3D

    /// The polygon `draw` draws, filled by `begin` and `add` (reused: no allocation per polygon once warm).
    private var points: [SIMD3<Float>] = []
    private var soft: [Bool] = []
    private var across: [SIMD3<Float>?] = []
    // Scratch, reused between polygons.
    private var projected: [SIMD2<Float>] = []
    private var clipped: [SIMD3<Float>] = []
    private var clippedSoft: [Bool] = []
    private var clippedAcross: [SIMD3<Float>?] = []
    private var edgeColors: [SIMD3<Float>] = []
    private var edges: [SIMD4<Float>] = []   // a, b, c (d = a·x + b·y + c), soft (1) / hard (0)

    init(camera: Camera3D) {
        self.camera = camera
        points.reserveCapacity(16)
        soft.reserveCapacity(16)
        across.reserveCapacity(16)
        projected.reserveCapacity(16)
        clipped.reserveCapacity(16)
        clippedSoft.reserveCapacity(16)
        clippedAcross.reserveCapacity(16)
        edgeColors.reserveCapacity(16)
        edges.reserveCapacity(16)
    }

    /// Starts a new polygon for `draw` (forgets the last one's vertices).
    mutating func begin() {
        points.removeAll(keepingCapacity: true)
        soft.removeAll(keepingCapacity: true)
        across.removeAll(keepingCapacity: true)
    }

    /// Adds the polygon's next vertex `point` (camera coordinates); `soft` and `across` describe
    /// the edge from it to the next vertex (see `draw`).
    mutating func add(_ point: SIMD3<Float>, soft edgeSoft: Bool, across edgeAcross: SIMD3<Float>? = nil) {
        points.append(point)
        soft.append(edgeSoft)
        across.append(edgeAcross)
    }

    /// Draws the polygon given by `begin` and `add`: its vertices are camera coordinates (x right,
    /// y down, z forward) of a convex planar polygon, `soft[i]` says whether edge
    /// `points[i] → points[i + 1]` is a silhouette; `across[i]`, for a hard edge, is the colour of
    /// the face on its other side: pixels inside within ½ px of such a crease mix toward it, `(½ + d)·colour + (½ − d)·across`, so that a
    /// crease moving over a pixel centre changes its colour continuously (the neighbour does the
    /// same from its side).
    /// `depthTest`: solids test and write depth; ground decals (false) draw over whatever is
    /// there and leave depth alone.
    mutating func draw(color: SIMD3<Float>, slot: Int, depthTest: Bool, into frame: inout FrameBuffers) {
        clip()
        let n = clipped.count
        guard n >= 3 else { return }
        // Plane of the polygon in camera space (Newell), for 1/z as an affine function of pixels.
        var normal = SIMD3<Float>(repeating: 0)
        projected.removeAll(keepingCapacity: true)
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
        guard area != 0, area.isFinite else { return }
        let orientation: Float = area > 0 ? 1 : -1
        edges.removeAll(keepingCapacity: true)
        edgeColors.removeAll(keepingCapacity: true)
        for i in 0..<n {
            // The edge's line is computed from its endpoints in a canonical order and then
            // negated as needed, so the two faces sharing an edge get exactly opposite distances:
            // with the tie rule, every pixel centre on a shared edge belongs to exactly one face.
            var a = projected[i], b = projected[(i + 1) % n]
            var sign = orientation
            if (b.x, b.y) < (a.x, a.y) { swap(&a, &b); sign = -sign }
            let e = b - a
            let length = (e * e).sum().squareRoot()
            guard length > 1e-6 else { continue }
            let ea = -e.y / length, eb = e.x / length
            // w: 1 silhouette (ramp), 2 crease (colour mix inside), 0 plain hard edge.
            let kind: Float = clippedSoft[i] ? 1 : (clippedAcross[i] == nil ? 0 : 2)
            edges.append(SIMD4(ea * sign, eb * sign, -(ea * a.x + eb * a.y) * sign, kind))
            edgeColors.append(clippedAcross[i] ?? color)
        }
        // 1/z is affine in pixels on the polygon's plane n·X = k. A face seen nearly edge-on has
        // a plane through (almost) the eye, where that is ill-conditioned: it gets its mean depth.
        let k = (normal * clipped[0]).sum()
        let f = camera.focal
        var ia: Float = 0, ib: Float = 0, ic: Float
        if abs(k) > 1e-3 * (normal * normal).sum().squareRoot() * (clipped[0] * clipped[0]).sum().squareRoot() {
            ia = normal.x / (f * k); ib = normal.y / (f * k)
            ic = (normal.z - normal.x * camera.cx / f - normal.y * camera.cy / f) / k
        } else {
            ic = Float(n) / clipped.reduce(0) { $0 + $1.z }
        }
        let y0 = max(0, Int((lo.y - 1).rounded(.down))), y1 = min(frame.height - 1, Int((hi.y + 1).rounded(.up)))
        let xLo = max(0, Int((lo.x - 1).rounded(.down))), xHi = min(frame.width - 1, Int((hi.x + 1).rounded(.up)))
        guard y0 <= y1, xLo <= xHi else { return }
        let width = frame.width, withTruth = frame.withTruth
        let partialFactor = 1 / (1 - Rasterizer.partialDepthMargin)
        let instanceValue = UInt16(truncatingIfNeeded: slot + 1), slotValue = Int32(slot), stampValue = frame.stampBase + slotValue
        var alone = 0, touched = false
        var partials = frame.partials
        frame.partials = []
        defer { frame.partials = partials }
        let edgeColors = self.edgeColors
        edges.withUnsafeBufferPointer { edges in
        frame.partialAt.withUnsafeMutableBufferPointer { partialAt in
        frame.rgb.withUnsafeMutableBufferPointer { rgb in
        frame.inverseDepth.withUnsafeMutableBufferPointer { inverseDepth in
        frame.instance.withUnsafeMutableBufferPointer { instance in
        frame.stamp.withUnsafeMutableBufferPointer { stamp in
            for y in y0...y1 {
                let py = Float(y) + 0.5
                // Columns where every edge allows coverage (soft: d > −1, hard: d ≥ 0), and the
                // inner columns where coverage is surely 1 (soft and hard: d > 0, with a 1e-3 px
                // safety margin): only the pixels between the two get the per-edge test.
                var from = Float(xLo) + 0.5, to = Float(xHi) + 0.5
                var innerFrom = from, innerTo = to
                for e in edges {
                    let soft = e.w > 0
                    let rest = e.y * py + e.z                 // d = e.x·px + rest
                    let outer = rest + (soft ? 1 : 0), inner = rest - (e.w == 2 ? 0.501 : 0.001)
                    if e.x > 1e-9 {
                        from = max(from, -outer / e.x); innerFrom = max(innerFrom, -inner / e.x)
                    } else if e.x < -1e-9 {
                        to = min(to, -outer / e.x); innerTo = min(innerTo, -inner / e.x)
                    } else {
                        if outer < 0 { to = -1 }
                        if inner < 0 { innerTo = -1 }
                    }
                }
                guard to >= from else { continue }
                let xs = max(xLo, Int((from - 0.5).rounded(.down))), xe = min(xHi, Int((to - 0.5).rounded(.up)))
                guard xs <= xe else { continue }
                // Inner pixels: centres at or beyond innerFrom and at or before innerTo.
                var ixs = max(xs, Int((innerFrom - 0.5).rounded(.up))), ixe = min(xe, Int((innerTo - 0.5).rounded(.down)))
                if ixs > ixe { ixs = xe + 1; ixe = xe }
                let rowInverse = ib * py + ic
                let row = y * width

                /// One fragment: coverage `coverage` (in (0, 1]) and colour `color` at column `x`.
                @inline(__always) func fragment(_ x: Int, _ coverage: Float, _ color: SIMD3<Float>) {
                    let p = row + x
                    let inverse = ia * (Float(x) + 0.5) + rowInverse
                    guard inverse > 0 else { return }
                    touched = true
                    if withTruth && coverage == 1 && stamp[p] != stampValue {
                        stamp[p] = stampValue
                        alone += 1
                    }
                    if depthTest {
                        // Nearer means a larger 1/z. A ramp fragment (outside its polygon, depth
                        // extrapolated) must be in front by a margin: where two surfaces touch (a
                        // cabin on its body) the answer is then the same at every pose instead of
                        // flipping with rounding.
                        guard inverse > (coverage == 1 ? inverseDepth[p] : inverseDepth[p] * partialFactor) else { return }
                        let kept = Int(partialAt[p])
                        if coverage == 1 {
                            inverseDepth[p] = inverse
                            // A kept partial fragment not clearly in front of the new opaque surface is hidden.
                            if kept >= 0 && partials[kept].inverseDepth <= inverse * partialFactor { partialAt[p] = -1 }
                        } else if kept < 0 {
                            partialAt[p] = Int32(partials.count)
                            partials.append(PartialFragment(pixel: Int32(p), slot: slotValue, inverseDepth: inverse, coverage: coverage, color: color))
                            return
                        } else if partials[kept].slot == slotValue {
                            // Two ramps of one object (faces meeting at a corner): their union.
                            let old = partials[kept]
                            let mixed = (old.color * old.coverage + color * coverage) / (old.coverage + coverage)
                            partials[kept] = PartialFragment(pixel: Int32(p), slot: slotValue, inverseDepth: max(inverse, old.inverseDepth),
                                                             coverage: max(coverage, old.coverage), color: mixed)
                            return
                        } else if inverse > partials[kept].inverseDepth {
                            // The new fragment is nearer: the kept one goes under it, into the opaque colour.
                            let old = partials[kept]
                            let keep = 1 - old.coverage
                            rgb[3 * p] = old.coverage * old.color.x + keep * rgb[3 * p]
                            rgb[3 * p + 1] = old.coverage * old.color.y + keep * rgb[3 * p + 1]
                            rgb[3 * p + 2] = old.coverage * old.color.z + keep * rgb[3 * p + 2]
                            partials[kept] = PartialFragment(pixel: Int32(p), slot: slotValue, inverseDepth: inverse, coverage: coverage, color: color)
                            return
                        }
                    }
                    if coverage == 1 {
                        rgb[3 * p] = color.x; rgb[3 * p + 1] = color.y; rgb[3 * p + 2] = color.z
                        if withTruth { instance[p] = instanceValue }
                    } else {
                        let keep = 1 - coverage
                        rgb[3 * p] = coverage * color.x + keep * rgb[3 * p]
                        rgb[3 * p + 1] = coverage * color.y + keep * rgb[3 * p + 1]
                        rgb[3 * p + 2] = coverage * color.z + keep * rgb[3 * p + 2]
                    }
                }

                var x = xs
                while x <= xe {
                    if x == ixs {
                        if !depthTest && !withTruth && ia * (Float(ixs) + 0.5) + rowInverse > 0 && ia * (Float(ixe) + 0.5) + rowInverse > 0 {
                            // A fully covered run of a decal, images only: a plain fill.
                            for q in (row + ixs)...(row + ixe) { rgb[3 * q] = color.x; rgb[3 * q + 1] = color.y; rgb[3 * q + 2] = color.z }
                            touched = true
                        } else {
                            for xi in ixs...ixe { fragment(xi, 1, color) }
                        }
                        x = ixe + 1
                        continue
                    }
                    let px = Float(x) + 0.5
                    var coverage: Float = 1
                    var mixed = color
                    for k in 0..<edges.count {
                        let e = edges[k]
                        let d = e.x * px + e.y * py + e.z
                        if e.w == 1 {
                            coverage = min(coverage, d + 1)
                        } else if d < 0 || (d == 0 && !(e.x > 0 || (e.x == 0 && e.y > 0))) {
                            coverage = 0
                        } else if e.w == 2 && d < 0.5 {
                            mixed = mixed * (0.5 + d) + edgeColors[k] * (0.5 - d)
                        }
                    }
                    if coverage > 0 { fragment(x, min(coverage, 1), mixed) }
                    x += 1
                }
            }
        }}}}}}
        if withTruth {
            frame.alone[slot] += alone
            if touched { frame.touched[slot] = true }
        }
    }

    /// Sutherland–Hodgman against z ≥ near, carrying each edge's soft flag (new clip edges are soft).
    private mutating func clip() {
        clipped.removeAll(keepingCapacity: true)
        clippedSoft.removeAll(keepingCapacity: true)
        clippedAcross.removeAll(keepingCapacity: true)
        let n = points.count, near = Rasterizer.near
        for i in 0..<n {
            let a = points[i], b = points[(i + 1) % n]
            let aIn = a.z >= near, bIn = b.z >= near
            if aIn {
                clipped.append(a); clippedSoft.append(soft[i]); clippedAcross.append(across[i])
                if !bIn {
                    clipped.append(a + (b - a) * ((near - a.z) / (b.z - a.z))); clippedSoft.append(true); clippedAcross.append(nil)
                }
            } else if bIn {
                clipped.append(a + (b - a) * ((near - a.z) / (b.z - a.z))); clippedSoft.append(soft[i]); clippedAcross.append(across[i])
            }
        }
    }
}
