/// Scratch layout for the direct depthwise convolution.
///
/// The zero-padded input plane is stored split by stride phase in both directions: padded
/// pixel (r, c) lives in block (r mod sh, c mod sw) at row r / sh, column c / sw, each block
/// `blockRows × phaseWidth`. Then tap (i, j) of output (oy, ox) reads
/// `offset(tap) + oy·phaseWidth + ox`, so over the flattened "wide" output index
/// k = oy·phaseWidth + ox (ox < phaseWidth) each tap is one contiguous run of
/// `wideCount = oh·phaseWidth` elements. Wide columns ox ≥ ow are computed but discarded (and
/// carry zero gradient); the block has one spare row so the last run stays in bounds.
struct PhasedPlane {
    let g: ConvGeometry
    let blockRows: Int, phaseWidth: Int
    var blockSize: Int { blockRows * phaseWidth }
    var size: Int { g.sh * g.sw * blockSize }
    var wideCount: Int { g.oh * phaseWidth }

    init(_ g: ConvGeometry) {
        self.g = g
        let paddedRows = Swift.max(g.h + g.padTop + g.padBottom, (g.oh - 1) * g.sh + g.kh)
        let paddedColumns = Swift.max(g.w + g.padLeft + g.padRight, (g.ow - 1) * g.sw + g.kw)
        blockRows = (paddedRows + g.sh - 1) / g.sh + 1
        phaseWidth = (paddedColumns + g.sw - 1) / g.sw
    }

    /// Start of tap (i, j)'s run in the scratch.
    @inline(__always)
    func offset(tap: Int) -> Int {
        let i = tap / g.kw, j = tap % g.kw
        return ((i % g.sh) * g.sw + j % g.sw) * blockSize + (i / g.sh) * phaseWidth + j / g.sw
    }

    /// Index in the scratch of padded pixel (r, c).
    @inline(__always)
    func index(row r: Int, column c: Int) -> Int {
        ((r % g.sh) * g.sw + c % g.sw) * blockSize + (r / g.sh) * phaseWidth + c / g.sw
    }

    /// Runs `body(scratch, wide)` with a scratch of `size` and a wide plane of `wideCount`
    /// floats (uninitialised; on the stack when small).
    @inline(__always)
    func withScratch(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: size + wideCount) { buffer in
            body(buffer.baseAddress!, buffer.baseAddress! + size)
        }
    }

    /// Zero-pads plane `src` ([h, w]) into `scratch`.
    func fill(_ scratch: UnsafeMutablePointer<Float>, from src: UnsafePointer<Float>) {
        scratch.update(repeating: 0, count: size)
        for iy in 0..<g.h {
            let r = iy + g.padTop
            if g.sw == 1 {
                (scratch + index(row: r, column: g.padLeft)).update(from: src + iy * g.w, count: g.w)
            } else {
                for ix in 0..<g.w { scratch[index(row: r, column: ix + g.padLeft)] = src[iy * g.w + ix] }
            }
        }
    }

    /// Writes the interior of `scratch` to plane `dst` ([h, w]).
    func extract(_ scratch: UnsafeMutablePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
        for iy in 0..<g.h {
            let r = iy + g.padTop
            if g.sw == 1 {
                (dst + iy * g.w).update(from: scratch + index(row: r, column: g.padLeft), count: g.w)
            } else {
                for ix in 0..<g.w { dst[iy * g.w + ix] = scratch[index(row: r, column: ix + g.padLeft)] }
            }
        }
    }

    /// Wide plane → output plane [oh, ow] (drops the spare columns).
    @inline(__always)
    func narrow(_ wide: UnsafeMutablePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
        for oy in 0..<g.oh { (dst + oy * g.ow).update(from: wide + oy * phaseWidth, count: g.ow) }
    }

    /// Output plane [oh, ow] → wide plane, spare columns zero.
    @inline(__always)
    func widen(_ src: UnsafePointer<Float>, into wide: UnsafeMutablePointer<Float>) {
        for oy in 0..<g.oh {
            (wide + oy * phaseWidth).update(from: src + oy * g.ow, count: g.ow)
            (wide + oy * phaseWidth + g.ow).update(repeating: 0, count: phaseWidth - g.ow)
        }
    }
}
