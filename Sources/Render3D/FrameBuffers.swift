/// The buffers of one image while it is drawn (all `height × width`, row-major), plus the
/// per-object tallies ground truth needs.
struct FrameBuffers {
    let width: Int
    let height: Int
    /// Whether ground truth is gathered (off for `renderPixels`).
    let withTruth: Bool
    /// Linear RGB, 3 values per pixel.
    var rgb: [Float]
    /// Camera z of the front-most surface at each pixel centre (coverage ≥ ½); +∞ for sky.
    var depth: [Float]
    /// Front-most object's slot + 1 (coverage ≥ ½), 0 for none.
    var instance: [UInt16]
    /// Last slot that counted the pixel among the pixels it covers alone (−1 none).
    var stamp: [Int32]
    /// Per slot: pixels it covers alone on this canvas (coverage ≥ ½).
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
        rgb = [Float](repeating: 0, count: 3 * n)
        depth = [Float](repeating: .infinity, count: n)
        instance = withTruth ? [UInt16](repeating: 0, count: n) : []
        stamp = withTruth ? [Int32](repeating: -1, count: n) : []
        alone = [Int](repeating: 0, count: slots)
        touched = [Bool](repeating: false, count: slots)
        extent = [SIMD4<Float>](repeating: SIMD4(.infinity, .infinity, -.infinity, -.infinity), count: slots)
    }
}
