/// The buffers of one image while it is drawn (all `height × width`, row-major), plus the
/// per-object tallies ground truth needs. One value serves a run of images (`begin` before
/// each): its scratch buffers are cleared, not allocated again, so that a batch does not fault
/// in fresh pages for every image; the buffers an image hands out (`rgb`, `inverseDepth` and
/// `instance` with ground truth) are allocated again when taken.
struct FrameBuffers {
    let width: Int
    let height: Int
    /// Whether ground truth is gathered (off for `renderPixels`).
    private(set) var withTruth = false
    /// Linear RGB, 3 values per pixel.
    var rgb: [Float] = []
    /// 1 / camera z of the front-most solid at each pixel centre (pixel centre inside); 0 for none.
    var inverseDepth: [Float] = []
    /// Per row: camera z of the ground at the row's pixel centres, 0 for sky rows.
    var groundDepth: [Float] = []
    /// Front-most object's slot + 1 (pixel centre inside), 0 for none.
    var instance: [UInt16] = []
    /// Last stamp (`stampBase` + slot) that counted the pixel among the pixels its slot covers
    /// alone; below `stampBase` for none this image. Stamps grow from image to image, so the
    /// buffer is cleared (to −1) only when they would overflow.
    var stamp: [Int32] = []
    /// Added to a slot for its stamp in this image.
    private(set) var stampBase: Int32 = 0
    /// Per pixel: index into `partials` of the partly covering fragment in front of the opaque
    /// surface (−1 none). One such fragment per pixel is kept apart and laid over the opaque
    /// colour at the end, so a silhouette blends with whatever ends up behind it, whichever is
    /// drawn first (farther partial fragments blend into the opaque colour directly). Partial
    /// fragments of one object at one pixel (two faces' ramps near a corner) merge into one:
    /// coverage max(c₁, c₂), colour weighted by coverage, the nearer depth.
    var partialAt: [Int32] = []
    var partials: [PartialFragment] = []
    /// Per slot: pixels it covers alone on this canvas (pixel centre inside).
    var alone: [Int] = []
    /// Per slot: whether any canvas pixel gets coverage > 0.
    var touched: [Bool] = []
    /// Per slot: continuous pixel extent (min x, min y, max x, max y) of its projected, near-clipped
    /// polygons; min > max when nothing is in front of the camera.
    var extent: [SIMD4<Float>] = []

    /// Empty buffers for `width × height` images; call `begin` before drawing.
    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Makes the buffers ready for a new image of `slots` annotated objects, as if freshly
    /// allocated: every pixel's depth, instance and kept fragment cleared (`rgb` is left as it is:
    /// the background writes every pixel).
    mutating func begin(slots: Int, withTruth: Bool) {
        let n = width * height
        if rgb.count != 3 * n { rgb = [Float](unsafeUninitializedCapacity: 3 * n) { _, count in count = 3 * n } }
        Self.clear(&inverseDepth, n, to: 0)
        Self.clear(&groundDepth, height, to: 0)
        // Only the pixels in `partials` can hold an index: clear those.
        if partialAt.count == n {
            partialAt.withUnsafeMutableBufferPointer { at in for f in partials { at[Int(f.pixel)] = -1 } }
        } else {
            partialAt = [Int32](repeating: -1, count: n)
        }
        partials.removeAll(keepingCapacity: true)
        self.withTruth = withTruth
        if withTruth {
            Self.clear(&instance, n, to: 0)
            let last = stampBase + Int32(alone.count)
            if stamp.count != n || Int(last) + slots >= Int(Int32.max) {
                stamp = [Int32](repeating: -1, count: n)
                stampBase = 0
            } else {
                stampBase = last
            }
        }
        alone = [Int](repeating: 0, count: slots)
        touched = [Bool](repeating: false, count: slots)
        extent = [SIMD4<Float>](repeating: SIMD4(.infinity, .infinity, -.infinity, -.infinity), count: slots)
    }

    /// `buffer` as `count` copies of `value`, reusing its storage when it has that size.
    private static func clear<T>(_ buffer: inout [T], _ count: Int, to value: T) {
        if buffer.count == count {
            buffer.withUnsafeMutableBufferPointer { $0.update(repeating: value) }
        } else {
            buffer = [T](repeating: value, count: count)
        }
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
