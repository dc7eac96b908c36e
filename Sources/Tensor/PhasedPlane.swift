/// Scratch layout for the direct depthwise convolution.
///
/// The zero-padded input plane is stored split by stride phase in both directions: padded
/// pixel (r, c) lives in block (r mod sh, c mod sw) at row r / sh, column c / sw, each block
/// `blockRows × phaseWidth`. Then tap (i, j) of output (oy, ox) reads
/// `tapOffsets[tap] + oy·phaseWidth + ox`, so over the flattened "wide" output index
/// k = oy·phaseWidth + ox (ox < phaseWidth) each tap is one contiguous run of
/// `wideCount = oh·phaseWidth` elements. Wide columns ox ≥ ow are computed but discarded (and
/// carry zero gradient); the block has one spare row so the last run stays in bounds.
struct PhasedPlane {
    let g: ConvGeometry
    let blockRows: Int, phaseWidth: Int
    /// Start of each tap (i, j)'s run in the scratch, row-major over the kernel (computed once: the kernels'
    /// inner loops are short on small planes, so a division per tap shows in profiles).
    let tapOffsets: [Int]
    var blockSize: Int { blockRows * phaseWidth }
    var size: Int { g.sh * g.sw * blockSize }
    var wideCount: Int { g.oh * phaseWidth }

    init(_ g: ConvGeometry) {
        self.g = g
        let paddedRows = Swift.max(g.h + g.padTop + g.padBottom, (g.oh - 1) * g.sh + g.kh)
        let paddedColumns = Swift.max(g.w + g.padLeft + g.padRight, (g.ow - 1) * g.sw + g.kw)
        blockRows = (paddedRows + g.sh - 1) / g.sh + 1
        phaseWidth = (paddedColumns + g.sw - 1) / g.sw
        let blockSize = blockRows * phaseWidth, phaseWidth = phaseWidth
        tapOffsets = (0..<(g.kh * g.kw)).map { tap in
            let i = tap / g.kw, j = tap % g.kw
            return ((i % g.sh) * g.sw + j % g.sw) * blockSize + (i / g.sh) * phaseWidth + j / g.sw
        }
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
        forEachRun { run, input, count in
            let s = src + input, d = scratch + run, step = g.sw
            for k in 0..<count { d[k] = s[k &* step] }
        }
    }

    /// Writes the interior of `scratch` to plane `dst` ([h, w]).
    func extract(_ scratch: UnsafeMutablePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
        forEachRun { run, input, count in
            let s = scratch + run, d = dst + input, step = g.sw
            for k in 0..<count { d[k &* step] = s[k] }
        }
    }

    /// The input plane's pixels as runs of the scratch: for each column phase and input row,
    /// `body(scratchStart, inputStart, count)` where scratch elements `scratchStart ..< +count`
    /// hold input elements `inputStart, inputStart + sw, …` (one contiguous run per row and
    /// phase). Divisions happen once per phase, not per row or pixel: the row's place in the
    /// scratch is stepped (row phase, block row) as the rows go.
    @inline(__always)
    private func forEachRun(_ body: (_ scratchStart: Int, _ inputStart: Int, _ count: Int) -> Void) {
        let sw = g.sw, sh = g.sh, w = g.w, blockSize = blockSize, phaseWidth = phaseWidth
        for phase in 0..<sw {
            // First input column whose padded column (ix + padLeft) has this phase.
            let first = ((phase - g.padLeft) % sw + sw) % sw
            guard first < w else { continue }
            let count = (w - first + sw - 1) / sw
            let column = first + g.padLeft
            let columnPart = phase * blockSize + column / sw
            var rowPhase = g.padTop % sh, blockRow = g.padTop / sh, input = first
            for _ in 0..<g.h {
                body((rowPhase &* sw) &* blockSize &+ blockRow &* phaseWidth &+ columnPart, input, count)
                input &+= w
                rowPhase &+= 1
                if rowPhase == sh { rowPhase = 0; blockRow &+= 1 }
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
