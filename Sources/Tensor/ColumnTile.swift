/// One image's column matrix restricted to a tile of output pixels: im2col / col2im for
/// `ConvTiled`. The column matrix of an [C, H, W] image has one row per (channel, ky, kx) and
/// one column per output pixel `oy · ow + ox`; a tile is the consecutive pixels `pixels`
/// (they may cross output rows), stored as [C·kh·kw, pixels.count] row-major. The geometry's
/// `n` is ignored (one image).

/// Visits the tile's pixels one output row at a time: `body(oy, ox0, ox1, q0)` for the output
/// columns `ox0..<ox1` of output row `oy`, whose first pixel is column `q0` of the tile.
@inline(__always)
func forEachTileRow(_ pixels: Range<Int>, ow: Int, _ body: (Int, Int, Int, Int) -> Void) {
    var p = pixels.lowerBound
    while p < pixels.upperBound {
        let oy = p / ow, ox0 = p - oy * ow
        let ox1 = Swift.min(ow, ox0 + (pixels.upperBound - p))
        body(oy, ox0, ox1, p - pixels.lowerBound)
        p += ox1 - ox0
    }
}

/// Fills `tile` ([C·kh·kw, pixels.count]) with `image`'s ([C, H, W]) column-matrix entries for
/// output pixels `pixels`; padded taps are 0.
func im2colTile(_ image: UnsafePointer<Float>, _ g: ConvGeometry, pixels: Range<Int>, _ tile: UnsafeMutablePointer<Float>) {
    let taps = g.kh * g.kw, width = pixels.count
    for r in 0..<(g.c * taps) {
        let ch = r / taps, i = (r % taps) / g.kw, j = r % g.kw
        let xr = g.columns(tap: j), yr = g.rows(tap: i)
        let plane = image + ch * g.h * g.w, row = tile + r * width
        forEachTileRow(pixels, ow: g.ow) { oy, ox0, ox1, q0 in
            // Runs are short (one output row at most, often 1 padded pixel): plain loops, not
            // memset/memmove calls.
            let out = row + q0 - ox0           // out[ox] is pixel (oy, ox)
            guard yr.contains(oy) else { for ox in ox0..<ox1 { out[ox] = 0 }; return }
            let lo = Swift.min(Swift.max(ox0, xr.lowerBound), ox1), hi = Swift.max(Swift.min(ox1, xr.upperBound), lo)
            let src = plane + (oy * g.sh - g.padTop + i) * g.w - g.padLeft + j   // src[ox · sw] is pixel (oy, ox)
            for ox in ox0..<lo { out[ox] = 0 }
            if g.sw == 1 {
                for ox in lo..<hi { out[ox] = src[ox] }
            } else {
                for ox in lo..<hi { out[ox] = src[ox &* g.sw] }
            }
            for ox in hi..<ox1 { out[ox] = 0 }
        }
    }
}

/// Adds `tile` ([C·kh·kw, pixels.count], column-matrix gradients of output pixels `pixels`) into
/// `dImage` ([C, H, W]); padded taps are dropped. Taps are added in a fixed order.
func col2imTile(_ tile: UnsafePointer<Float>, _ g: ConvGeometry, pixels: Range<Int>, _ dImage: UnsafeMutablePointer<Float>) {
    let taps = g.kh * g.kw, width = pixels.count
    for r in 0..<(g.c * taps) {
        let ch = r / taps, i = (r % taps) / g.kw, j = r % g.kw
        let xr = g.columns(tap: j), yr = g.rows(tap: i)
        let plane = dImage + ch * g.h * g.w, row = tile + r * width
        forEachTileRow(pixels, ow: g.ow) { oy, ox0, ox1, q0 in
            guard yr.contains(oy) else { return }
            let lo = Swift.max(ox0, xr.lowerBound), hi = Swift.min(ox1, xr.upperBound)
            guard lo < hi else { return }
            let s = row + q0 - ox0
            let d = plane + (oy * g.sh - g.padTop + i) * g.w - g.padLeft + j
            if g.sw == 1 {
                for ox in lo..<hi { d[ox] += s[ox] }
            } else {
                for ox in lo..<hi { d[ox &* g.sw] += s[ox] }
            }
        }
    }
}

/// `dst[q · rows + r] = src[r · ld + q]` for r < rows, q < cols: a [rows, cols] block of a
/// row-major matrix with leading dimension `ld`, transposed into a dense [cols, rows].
func transposeBlock(_ src: UnsafePointer<Float>, rows: Int, cols: Int, ld: Int, _ dst: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let s = src + r * ld
        for q in 0..<cols { dst[q &* rows &+ r] = s[q] }
    }
}
