/// Pixel counts of a stroked polyline (a road) in closed form, row by row: the pixels whose
/// centre lies within `radius` of the polyline, for the ground truth's count of visible pixels
/// beyond the canvas (`Compositor.countCoveredOutside`).
///
/// The stroke is the union of one capsule per segment (the segment widened by `radius`, with
/// round ends). A capsule is convex, so on a row's centre line `Y` it covers one interval of
/// `X`: the union of its two end discs' chords and its strip's part, each found from a linear or
/// a quadratic condition on `X`. The row's pixels are the centres `x + 0.5` inside the union of
/// the capsules' intervals. Each segment is listed only for the rows its capsule reaches, so a
/// row costs the handful of capsules crossing it rather than all of the polyline's segments.
///
/// The per-pixel test it replaces (`layerAlpha` in `Float`: visible where
/// `opacity · clamp(0.5 − (d − halfWidth), 0, 1) ≥ threshold`, that is where the distance `d` to
/// the polyline is at most `halfWidth + 0.5 − threshold / opacity`) agrees except for a centre
/// within `Float` rounding of a boundary (StrokeRowCountTests compares both on random roads).
struct StrokeRowCount {
    /// One segment `a → a + d` and what its rows' intervals need.
    private struct Segment {
        var a: SIMD2<Double>, d: SIMD2<Double>
        /// `|d|²`, `radius · |d|`; `1 / d.x`, `1 / d.y` (0 when that component is 0).
        var length2: Double, radiusLength: Double, inverse: SIMD2<Double>
        /// The capsule's x extent.
        var xLo: Double, xHi: Double
    }
    private let segments: [Segment]
    private let radius: Double
    /// Rows `y0..<y0 + rowStarts.count − 1`; the segments whose capsule reaches row `y0 + r` are
    /// `segments[rowSegments[j]]` for `j` in `rowStarts[r]..<rowStarts[r + 1]`.
    private let y0: Int
    private let rowStarts: [Int]
    private let rowSegments: [Int]

    /// The stroke of `points` (screen pixels, at least two) widened by `radius` (px, ≥ 0), for
    /// the rows `rows`. Nil when a value is not finite (callers fall back to the per-pixel test).
    init?(points: [SIMD2<Double>], radius: Double, rows: Range<Int>) {
        guard points.count >= 2, radius >= 0, radius.isFinite, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return nil }
        self.radius = radius
        segments = (1..<points.count).map { i in
            let a = points[i - 1], d = points[i] - a
            let length2 = (d * d).sum()
            return Segment(a: a, d: d, length2: length2, radiusLength: radius * length2.squareRoot(),
                           inverse: SIMD2(d.x == 0 ? 0 : 1 / d.x, d.y == 0 ? 0 : 1 / d.y),
                           xLo: min(a.x, points[i].x) - radius, xHi: max(a.x, points[i].x) + radius)
        }
        let top = Double(rows.lowerBound), n = rows.count
        y0 = rows.lowerBound
        // Rows whose centre `y + 0.5` lies within the capsule's vertical extent (clamped in
        // `Double`: a far vertex must not overflow `Int`).
        func reached(_ s: Segment) -> Range<Int> {
            let lo = min(s.a.y, s.a.y + s.d.y) - radius, hi = max(s.a.y, s.a.y + s.d.y) + radius
            let first = Int(min(max((lo - 0.5).rounded(.up) - top, 0), Double(n)))
            let end = Int(min(max((hi - 0.5).rounded(.down) + 1 - top, 0), Double(n)))
            return first..<max(first, end)
        }
        var counts = [Int](repeating: 0, count: n + 1)
        for s in segments { for r in reached(s) { counts[r + 1] += 1 } }
        for r in 0..<n { counts[r + 1] += counts[r] }
        var listing = [Int](repeating: 0, count: counts[n]), next = counts
        for (i, s) in segments.enumerated() {
            for r in reached(s) { listing[next[r]] = i; next[r] += 1 }
        }
        rowStarts = counts
        rowSegments = listing
    }

    /// The number of pixel centres `x + 0.5`, for `x` in `columns` but not in `excluded`, covered
    /// on row `y` (inside the rows given at `init`).
    @inline(__always) func count(row y: Int, columns: Range<Int>, excluding excluded: Range<Int>) -> Int {
        let r = y - y0
        let listed = rowStarts[r]..<rowStarts[r + 1]
        if listed.isEmpty { return 0 }
        if !excluded.isEmpty {
            // No capsule of the row reaches a centre left or right of `excluded`: nothing to count.
            let left = Double(excluded.lowerBound) - 0.5, right = Double(excluded.upperBound) + 0.5
            if listed.allSatisfy({ segments[rowSegments[$0]].xLo > left && segments[rowSegments[$0]].xHi < right }) { return 0 }
        }
        let Y = Double(y) + 0.5
        if listed.count == 1 {
            // One capsule (most rows): its interval alone, no union to form.
            guard let interval = capsuleInterval(segments[rowSegments[listed.lowerBound]], Y) else { return 0 }
            return centres(interval, columns: columns, excluding: excluded)
        }
        return withUnsafeTemporaryAllocation(of: SIMD2<Double>.self, capacity: listed.count) { intervals in
            var n = 0
            for j in listed {
                guard let interval = capsuleInterval(segments[rowSegments[j]], Y) else { continue }
                // Insertion by the interval's start (a row crosses a handful of capsules).
                var k = n
                while k > 0 && intervals[k - 1].x > interval.x { intervals[k] = intervals[k - 1]; k -= 1 }
                intervals[k] = interval
                n += 1
            }
            if n == 0 { return 0 }
            var total = 0
            var current = intervals[0]
            for i in 1..<n {
                if intervals[i].x <= current.y { current.y = max(current.y, intervals[i].y); continue }
                total += centres(current, columns: columns, excluding: excluded)
                current = intervals[i]
            }
            return total + centres(current, columns: columns, excluding: excluded)
        }
    }

    /// The `X` interval `(lo, hi)` of the line `y = Y` within `radius` of segment `s`, nil when none.
    @inline(__always) private func capsuleInterval(_ s: Segment, _ Y: Double) -> SIMD2<Double>? {
        var lo = Double.infinity, hi = -Double.infinity
        // The end discs' chords.
        @inline(__always) func chord(_ p: SIMD2<Double>) {
            let dy = Y - p.y, h2 = radius * radius - dy * dy
            if h2 >= 0 { let h = h2.squareRoot(); lo = min(lo, p.x - h); hi = max(hi, p.x + h) }
        }
        chord(s.a)
        chord(s.a + s.d)
        // The strip: 0 ≤ t ≤ 1 (t the projection's parameter along the segment) and a
        // perpendicular distance ≤ radius, each linear in X: slope·X + offset within bounds.
        if s.length2 > 0 {
            var sLo = -Double.infinity, sHi = Double.infinity
            let (a, d) = (s.a, s.d)
            // t·length² = (X − ax)·dx + (Y − ay)·dy ∈ [0, length²];
            // cross = dx·(Y − ay) − dy·(X − ax) ∈ [−radius·length, radius·length].
            if constrain(slope: d.x, inverse: s.inverse.x, offset: -a.x * d.x + (Y - a.y) * d.y, min: 0, max: s.length2, &sLo, &sHi),
               constrain(slope: -d.y, inverse: -s.inverse.y, offset: d.x * (Y - a.y) + d.y * a.x, min: -s.radiusLength, max: s.radiusLength,
                         &sLo, &sHi) {
                lo = min(lo, sLo); hi = max(hi, sHi)
            }
        }
        return lo <= hi ? SIMD2(lo, hi) : nil
    }

    /// Narrows `[lo, hi]` to the `X` with `min ≤ slope·X + offset ≤ max` (`inverse` = 1 / slope);
    /// false when none.
    @inline(__always) private func constrain(slope: Double, inverse: Double, offset: Double, min: Double, max: Double,
                                             _ lo: inout Double, _ hi: inout Double) -> Bool {
        if slope == 0 { return offset >= min && offset <= max }
        let u = (min - offset) * inverse, v = (max - offset) * inverse
        lo = Swift.max(lo, Swift.min(u, v))
        hi = Swift.min(hi, Swift.max(u, v))
        return lo <= hi
    }

    /// Pixel centres `x + 0.5` in `[interval.x, interval.y]` with `x` in `columns`, less those in `excluded`.
    @inline(__always) private func centres(_ interval: SIMD2<Double>, columns: Range<Int>, excluding excluded: Range<Int>) -> Int {
        Self.centres((interval.x, interval.y), columns: columns, excluding: excluded)
    }

    /// Pixel centres `x + 0.5` in the closed `interval` with `x` in `columns`, less those in `excluded`.
    @inline(__always) static func centres(_ interval: (lo: Double, hi: Double), columns: Range<Int>, excluding excluded: Range<Int>) -> Int {
        let xs = pixelCentres(interval, within: columns)
        let overlap = Swift.max(0, Swift.min(xs.upperBound, excluded.upperBound) - Swift.max(xs.lowerBound, excluded.lowerBound))
        return xs.count - overlap
    }
}
