/// Row-by-row limits of a polyline layer's pixel loops (roads): which pixels of row `y` can get
/// non-zero coverage, and which segments can be nearest there. Every other layer kind keeps its
/// whole support box and all its vertices.
///
/// A pixel centre gets coverage > 0 only within `halfWidth + 0.5` px of some segment (the edge
/// ramp, `edgeCoverage`). For each segment the part within that reach of row `Y = y + 0.5` is
/// bounded by clipping the segment to `|py − Y| < reach` and widening its x extent by `reach`
/// (a superset of the capsule's intersection with the row). A pixel outside every segment's span
/// has coverage exactly 0 (the loops skip those pixels anyway), and a segment whose span misses
/// the pixel is farther than the nearest one wherever coverage is non-zero, so dropping both
/// changes no value and no derivative. So does dropping a segment whose x extent, widened by
/// the reach, misses the box's columns: it is nearest to no pixel of the box with coverage (a
/// road beyond the canvas keeps only its segments over the canvas). One pixel of margin covers
/// rounding between this screen-space test and the rotated frame of `layerAlpha`.
struct PolylineRows {
    /// Vertices in screen pixels; empty for layers that are not polylines.
    private let screen: [SIMD2<Float>]
    private let reach: Float
    /// Per segment `i` (vertices `i − 1` → `i`; entry 0 unused) its extent
    /// `(min y, max y, min x, max x)`, for a quick rejection (`row`); `(−∞, ∞, −∞, ∞)`, never
    /// rejected, for a segment with a coordinate of magnitude `quickLimit` or more.
    private let extents: [SIMD4<Float>]
    /// Below this magnitude (px) `Float` rounds the clipping in `row` by well under the quick
    /// rejection's one-pixel margin (ulp 1/8 at most).
    private static let quickLimit: Float = 1_048_576  // 2²⁰

    init(_ layer: Layer) {
        guard case .shape(.polyline(let vertices)) = layer.content else {
            screen = []
            reach = 0
            extents = []
            return
        }
        let g = layer.floatGeometry
        let points = vertices.map { v in
            let lx = g.sx * v.x, ly = g.sy * v.y
            return SIMD2(g.cx + g.cosine * lx + g.sine * ly, g.cy - g.sine * lx + g.cosine * ly)
        }
        let reach = max(g.halfWidth, 0) + 0.5 + 1
        // Not finite (NaN or overflowing geometry): no narrowing, whole rows and every segment.
        let finite = reach.isFinite && points.allSatisfy { $0.x.isFinite && $0.y.isFinite }
        let kept = finite ? points : []
        screen = kept
        self.reach = reach
        extents = kept.indices.map { i in
            let (a, b) = (kept[max(i - 1, 0)], kept[i])
            guard i > 0, max(abs(a.x), abs(a.y), abs(b.x), abs(b.y)) < Self.quickLimit else {
                return SIMD4(-.infinity, .infinity, -.infinity, .infinity)
            }
            return SIMD4(min(a.y, b.y), max(a.y, b.y), min(a.x, b.x), max(a.x, b.x))
        }
    }

    /// The pixels `xs` of row `y` (inside `box`) that may be covered, and `kernel` with its
    /// vertices narrowed to the segments that may be nearest there (the whole box row and the
    /// kernel unchanged for other layers). `xs` is empty when nothing of the row is covered.
    @inline(__always) func row(_ y: Int, box: PixelBox, kernel: LayerKernel) -> (xs: Range<Int>, kernel: LayerKernel) {
        if screen.isEmpty { return (box.x0..<box.x1, kernel) }
        let Y = Float(y) + 0.5
        var minX = Float.infinity, maxX = -Float.infinity
        var first = Int.max, last = -1
        // A segment lying a pixel or more beyond the band `|py − Y| < reach` is skipped below
        // too (its clipped range is empty): rejected by its extent first, without the divisions.
        // Only where every value involved is below `quickLimit`, so that rounding cannot keep
        // a segment the clipping drops or the reverse (otherwise the band is unbounded).
        var bandLo = Y - reach - 1, bandHi = Y + reach + 1
        if !(abs(bandLo) < Self.quickLimit && abs(bandHi) < Self.quickLimit) { (bandLo, bandHi) = (-.infinity, .infinity) }
        // Likewise the box's columns: a segment farther left or right than the reach and a pixel
        // of margin is skipped.
        var columnsLo = Float(box.x0) - reach - 1, columnsHi = Float(box.x1) + reach + 1
        if !(abs(columnsLo) < Self.quickLimit && abs(columnsHi) < Self.quickLimit) { (columnsLo, columnsHi) = (-.infinity, .infinity) }
        for i in 1..<screen.count {
            let extent = extents[i]
            if extent[1] < bandLo || extent[0] > bandHi || extent[3] < columnsLo || extent[2] > columnsHi { continue }
            let a = screen[i &- 1], b = screen[i]
            let dy = b.y - a.y
            var t0: Float = 0, t1: Float = 1
            if abs(dy) > 1e-6 {
                let u = (Y - reach - a.y) / dy, v = (Y + reach - a.y) / dy
                t0 = max(min(u, v), 0)
                t1 = min(max(u, v), 1)
                if !(t0 <= t1) { continue }
            } else if !(abs(a.y - Y) < reach) {
                continue
            }
            let x0 = a.x + (b.x - a.x) * t0, x1 = a.x + (b.x - a.x) * t1
            minX = min(minX, min(x0, x1) - reach)
            maxX = max(maxX, max(x0, x1) + reach)
            first = min(first, i)
            last = i
        }
        guard last >= 0 else { return (box.x0..<box.x0, kernel) }
        // Pixel x has its centre at x + 0.5: ⌈minX − 0.5⌉ and ⌊maxX − 0.5⌋ + 1 clamped to the box
        // row, clamped in Float before rounding (the bounds are integers: the same integers) and
        // rounded by truncation, without a call to `ceil` or `floor`. The lower clamp of the
        // right end is x0 − 2, not x0 − 1, which Float cannot hold at x0 = −2²⁴ (`supportBox`'s
        // limit): any end below x0 gives an empty range, as before.
        let l = min(max(minX - 0.5, Float(box.x0)), Float(box.x1))
        var lo = Int(l)
        if Float(lo) < l { lo &+= 1 }
        let h = min(max(maxX - 0.5, Float(box.x0) - 2), Float(box.x1) - 1)
        var hi = Int(h)
        if Float(hi) > h { hi &-= 1 }
        hi &+= 1
        var narrowed = kernel
        narrowed.vertices = UnsafeBufferPointer(rebasing: kernel.vertices[(first &- 1)...last])
        return (lo..<max(lo, hi), narrowed)
    }
}
