/// The buffers of one image while it is drawn (all `height × width`, row-major), plus the
/// per-object tallies ground truth needs.
struct FrameBuffers {
    let width: Int
    let height: Int
    /// Whether ground truth is gathered (off for `renderPixels`).
    let withTruth: Bool
    /// Linear RGB, 3 values per pixel.
    var rgb: [Float]
    /// 1 / camera z of the front-most solid at each pixel centre (pixel centre inside); 0 for none.
    var inverseDepth: [Float]
    /// Per row: camera z of the ground at the row's pixel centres, 0 for sky rows.
    var groundDepth: [Float]
    /// Front-most object's slot + 1 (pixel centre inside), 0 for none.
    var instance: [UInt16]
    /// Last slot that counted the pixel among the pixels it covers alone (−1 none).
    var stamp: [Int32]
    /// Per pixel: index into `partials` of the partly covering fragment in front of the opaque
    /// surface (−1 none). One such fragment per pixel is kept apart and laid over the opaque
    /// colour at the end, so a silhouette blends with whatever ends up behind it, whichever is
    /// drawn first (farther partial fragments blend into the opaque colour directly). Partial
    /// fragments of one object at one pixel (two faces' ramps near a corner) merge into one:
    /// coverage max(c₁, c₂), colour weighted by coverage, the nearer depth.
    var partialAt: [Int32]
    var partials: [PartialFragment] = []
    /// Per slot: pixels it covers alone on this canvas (pixel centre inside).
    var alone: [Int]
    /// Per slot: whether any canvas pixel gets coverage > 0.
    var touched: [Bool]
    /// Per slot: continuous pixel extent (min x, min y, max x, max y) of its projected, near-clipped
    /// polygons; min > max when nothing is in front of the camera.
    var extent: [SIMD4<Float>]

    init(width: Int, height: Int, slots: Int, withTruth: Bool) {
        self.width = width
        self.height = height
        self.withTruth = withTruth
        let n = width * height
        // Every pixel is written by the background first: no need to clear.
        rgb = [Float](unsafeUninitializedCapacity: 3 * n) { _, count in count = 3 * n }
        inverseDepth = [Float](repeating: 0, count: n)
        groundDepth = [Float](repeating: 0, count: height)
        instance = withTruth ? [UInt16](repeating: 0, count: n) : []
        stamp = withTruth ? [Int32](repeating: -1, count: n) : []
        partialAt = [Int32](repeating: -1, count: n)
        alone = [Int](repeating: 0, count: slots)
        touched = [Bool](repeating: false, count: slots)
        extent = [SIMD4<Float>](repeating: SIMD4(.infinity, .infinity, -.infinity, -.infinity), count: slots)
    }
}

/// A fragment that covers part of a pixel (a silhouette's ramp), kept in front of the opaque colour.
struct PartialFragment {
    var pixel: Int32
    /// The object it belongs to (partial fragments of one object at one pixel merge).
    var slot: Int32
    /// 1 / camera z.
    var inverseDepth: Float
    var coverage: Float
    var color: SIMD3<Float>
}

extension FrameBuffers {
    /// Lays the kept partial fragments over the opaque colour: `c·fragment + (1 − c)·opaque`.
    mutating func resolvePartials() {
        for (i, f) in partials.enumerated() where partialAt[Int(f.pixel)] == Int32(i) {
            let p = 3 * Int(f.pixel), keep = 1 - f.coverage
            rgb[p] = f.coverage * f.color.x + keep * rgb[p]
            rgb[p + 1] = f.coverage * f.color.y + keep * rgb[p + 1]
            rgb[p + 2] = f.coverage * f.color.z + keep * rgb[p + 2]
        }
    }
}
