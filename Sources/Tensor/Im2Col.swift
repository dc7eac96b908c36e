import Parallel
/// im2col / col2im for a batch: the column matrix has one row per (channel, ky, kx) and one
/// column per (image, oy, ox), so one GEMM covers the whole batch. Rows are filled in
/// parallel, each by one thread, so the results do not depend on the thread count.

/// Fills `col` ([c·kh·kw, n·oh·ow]) from `x` ([n, c, h, w]); padded taps are zero.
func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, _ col: UnsafeMutablePointer<Float>, parallel: Bool = true) {
    let ohw = g.oh * g.ow, cols = g.n * ohw, taps = g.kh * g.kw
    parallelFor(g.c * taps, work: parallel ? cols * g.c * taps : 0) { r in
        let ch = r / taps, i = (r % taps) / g.kw, j = r % g.kw
        let xr = g.columns(tap: j), yr = g.rows(tap: i)
        let row = col + r * cols
        for img in 0..<g.n {
            let plane = x + (img * g.c + ch) * g.h * g.w
            let dst = row + img * ohw
            for oy in 0..<g.oh {
                let out = dst + oy * g.ow
                guard yr.contains(oy) else { out.update(repeating: 0, count: g.ow); continue }
                let src = plane + (oy * g.sh - g.padTop + i) * g.w
                for ox in 0..<xr.lowerBound { out[ox] = 0 }
                if g.sw == 1 {
                    let start = xr.lowerBound - g.padLeft + j
                    if !xr.isEmpty { (out + xr.lowerBound).update(from: src + start, count: xr.count) }
                } else {
                    for ox in xr { out[ox] = src[ox * g.sw - g.padLeft + j] }
                }
                for ox in Swift.max(xr.upperBound, xr.lowerBound)..<g.ow { out[ox] = 0 }
            }
        }
    }
}

/// Accumulates `col` ([c·kh·kw, n·oh·ow]) back into `dx` ([n, c, h, w], zeroed by the caller).
/// Parallel over channels; within a channel the taps are added in a fixed order.
func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, _ dx: UnsafeMutablePointer<Float>, parallel: Bool = true) {
    let ohw = g.oh * g.ow, cols = g.n * ohw, taps = g.kh * g.kw
    parallelFor(g.c, work: parallel ? cols * g.c * taps : 0) { ch in
        for t in 0..<taps {
            let i = t / g.kw, j = t % g.kw
            let xr = g.columns(tap: j), yr = g.rows(tap: i)
            if xr.isEmpty { continue }
            let row = col + (ch * taps + t) * cols
            for img in 0..<g.n {
                let plane = dx + (img * g.c + ch) * g.h * g.w
                let src = row + img * ohw
                for oy in yr {
                    let d = plane + (oy * g.sh - g.padTop + i) * g.w - g.padLeft + j
                    let s = src + oy * g.ow
                    if g.sw == 1 {
                        for ox in xr { d[ox] += s[ox] }
                    } else {
                        for ox in xr { d[ox * g.sw] += s[ox] }
                    }
                }
            }
        }
    }
}

/// [n, c, hw] → [c, n·hw] (`toChannelMajor`) and back, in parallel over channels.
func channelMajor(_ x: UnsafePointer<Float>, n: Int, c: Int, hw: Int, _ out: UnsafeMutablePointer<Float>) {
    parallelFor(c, work: n * c * hw) { ch in
        for img in 0..<n { (out + (ch * n + img) * hw).update(from: x + (img * c + ch) * hw, count: hw) }
    }
}

/// [c, n·hw] → [n, c, hw], adding `bias[ch]` when given.
func batchMajor(_ x: UnsafePointer<Float>, n: Int, c: Int, hw: Int, bias: UnsafePointer<Float>?,
                _ out: UnsafeMutablePointer<Float>) {
    parallelFor(n, work: n * c * hw) { img in
        for ch in 0..<c {
            let dst = out + (img * c + ch) * hw, src = x + (ch * n + img) * hw
            if let bias {
                let b = bias[ch]
                for k in 0..<hw { dst[k] = src[k] + b }
            } else {
                dst.update(from: src, count: hw)
            }
        }
    }
}
