import Parallel

/// Stride-1 dense convolution without a column matrix: one GEMM per kernel tap over a
/// zero-padded copy of the image (the kn2row family of convolutions; Vasudevan, Anderson &
/// Gregg, "Parallel Multi Channel Convolution using General Matrix Multiplication", ASAP 2017).
///
/// The output is computed on the padded plane's grid: output pixel (oy, ox) sits at grid index
/// q = oy·Wp + ox (Wp = padded width), so tap (i, j) reads the padded image at q + i·Wp + j for
/// every q — for each channel one contiguous run, the same offset for all channels. Tap (i, j)
/// is then one GEMM straight from the padded image (rows = channels, leading dimension = the
/// padded plane's size): out_grid[:, tile] += W_ij · P[:, tile + i·Wp + j], with W_ij = W[:, :, i, j]
/// as an [O, C] matrix. The grid's last kw − 1 columns of each row are not output pixels:
/// their values are dropped, and the gradient there is 0. Per tile of grid pixels:
///
/// - forward: kh·kw GEMMs accumulate the tile, which is copied (+ bias) into NCHW;
/// - input gradient: dP[:, tile + i·Wp + j] += W_ijᵀ · g_tile, then dX = dP's interior;
/// - weight gradient: dW_ijᵀ += P[:, tile + i·Wp + j] · g_tileᵀ.
///
/// No im2col or col2im (9× the image per pass for 3×3); the padded copy is 1 image. Every GEMM
/// has at most `smallGEMMLimit` multiply-adds, so OpenBLAS multiplies it without packing
/// (`ConvTiled`). Measured on this machine, one thread (Benchmarks/README.md): 84–110 GFLOP/s of
/// useful work for C ≥ 16 in all three passes; for C = 3 the products are too thin (44–70), so
/// layers with few input channels use `ConvTiled`.
///
/// Threads and sums as in `ConvTiled`: images split in the forward pass, fixed blocks of
/// `weightGradientBlock` images in the backward pass, block sums added in order.
extension Tensor {
    /// Fewest input channels for which `conv2dTapwise` is used (below, `conv2dTiled`).
    static var tapwiseMinimumChannels: Int { 8 }

    /// Grid pixels per tile: 256, 128, 64 or 32, the widest whose per-tap products (O · tile · C
    /// multiply-adds) stay within `smallGEMMLimit`; nil when even 32 does not.
    static func tapwiseTileWidth(outChannels o: Int, inChannels c: Int) -> Int? {
        var tile = 256
        while tile > 32 && o * tile * c > smallGEMMLimit { tile /= 2 }
        return o * tile * c <= smallGEMMLimit ? tile : nil
    }

    func conv2dTapwise(weight: Tensor, bias: Tensor?, geometry g: ConvGeometry, tile: Int) -> Tensor {
        precondition(g.sh == 1 && g.sw == 1, "conv2dTapwise: stride \((g.sh, g.sw)) is not 1")
        let o = weight.shape[0], c = g.c, taps = g.kh * g.kw, ohw = g.oh * g.ow, hw = g.h * g.w
        let plane = PaddedPlanes(g)
        let tiles = (0..<((plane.gridCount + tile - 1) / tile)).map { $0 * tile..<Swift.min(plane.gridCount, ($0 + 1) * tile) }
        // W_ij as [taps][O, C].
        let tapWeights = makeBuffer(taps * o * c) { tp in
            weight.data.withUnsafeBufferPointer { wp in
                for t in 0..<taps { for oc in 0..<o { for ch in 0..<c { tp[(t * o + oc) * c + ch] = wp[(oc * c + ch) * taps + t] } } }
            }
        }
        let x = self
        let out = makeBuffer(g.n * o * ohw) { op in
            x.data.withUnsafeBufferPointer { xp in tapWeights.withUnsafeBufferPointer { wp in
                parallelChunks(g.n) { images in
                    var padded = makeBuffer(plane.bufferCount) { _ in }, acc = makeBuffer(o * tile) { _ in }
                    padded.withUnsafeMutableBufferPointer { pp in acc.withUnsafeMutableBufferPointer { ap in
                        for n in images {
                            plane.pad(xp.baseAddress! + n * c * hw, into: pp.baseAddress!)
                            let dst = op.baseAddress! + n * o * ohw
                            for q in tiles {
                                for t in 0..<taps {
                                    sgemmSerial(transA: false, transB: false, m: o, n: q.count, k: c, wp.baseAddress! + t * o * c, lda: c,
                                                UnsafePointer(pp.baseAddress! + plane.offset(tap: t) + q.lowerBound), ldb: plane.count,
                                                beta: t == 0 ? 0 : 1, ap.baseAddress!, ldc: q.count)
                                }
                                plane.scatterGrid(ap.baseAddress!, rows: o, grid: q, into: dst, bias: bias)
                            }
                        }
                    } }
                }
            } }
        }
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        let wShape = weight.shape
        return Tensor.record([g.n, o, g.oh, g.ow], out, inputs: inputs) { grad, needs in
            let blockSize = Tensor.weightGradientBlock, blocks = (g.n + blockSize - 1) / blockSize
            var dx = needs[0] ? makeBuffer(x.count) { _ in } : []
            var partials = needs[1] ? makeBuffer(blocks * taps * c * o) { _ in } : []   // dW_ijᵀ [taps][C, O] per block
            grad.data.withUnsafeBufferPointer { gp in x.data.withUnsafeBufferPointer { xp in
                tapWeights.withUnsafeBufferPointer { wp in
                    dx.withUnsafeMutableBufferPointer { dxp in partials.withUnsafeMutableBufferPointer { sp in
                        parallelFor(blocks) { b in
                            var padded = needs[1] ? makeBuffer(plane.bufferCount) { _ in } : []
                            var dPadded = needs[0] ? makeBuffer(plane.bufferCount) { _ in } : []
                            var gTile = makeBuffer(o * tile) { _ in }, gT = needs[1] ? makeBuffer(tile * o) { _ in } : []
                            padded.withUnsafeMutableBufferPointer { pp in dPadded.withUnsafeMutableBufferPointer { dp in
                            gTile.withUnsafeMutableBufferPointer { gq in gT.withUnsafeMutableBufferPointer { tp in
                                let partial = needs[1] ? sp.baseAddress! + b * taps * c * o : nil
                                var first = true
                                for n in b * blockSize..<Swift.min(g.n, (b + 1) * blockSize) {
                                    if partial != nil { plane.pad(xp.baseAddress! + n * c * hw, into: pp.baseAddress!) }
                                    if needs[0] { dp.baseAddress!.update(repeating: 0, count: plane.bufferCount) }
                                    for q in tiles {
                                        plane.gatherGrid(gp.baseAddress! + n * o * ohw, rows: o, grid: q, into: gq.baseAddress!)
                                        if let partial {
                                            transposeBlock(gq.baseAddress!, rows: o, cols: q.count, ld: q.count, tp.baseAddress!)
                                            for t in 0..<taps {
                                                sgemmSerial(transA: false, transB: false, m: c, n: o, k: q.count,
                                                            UnsafePointer(pp.baseAddress! + plane.offset(tap: t) + q.lowerBound), lda: plane.count,
                                                            UnsafePointer(tp.baseAddress!), ldb: o, beta: first ? 0 : 1, partial + t * c * o, ldc: o)
                                            }
                                            first = false
                                        }
                                        if needs[0] {
                                            for t in 0..<taps {
                                                sgemmSerial(transA: true, transB: false, m: c, n: q.count, k: o, wp.baseAddress! + t * o * c, lda: c,
                                                            UnsafePointer(gq.baseAddress!), ldb: q.count,
                                                            beta: 1, dp.baseAddress! + plane.offset(tap: t) + q.lowerBound, ldc: plane.count)
                                            }
                                        }
                                    }
                                    if needs[0] { plane.interior(UnsafePointer(dp.baseAddress!), into: dxp.baseAddress! + n * c * hw) }
                                }
                            } } } }
                        }
                    } }
                }
            } }
            var results: [Tensor?] = [needs[0] ? Tensor(uncheckedShape: x.shape, data: dx) : nil, nil]
            if needs[1] {
                // dW[oc, ch, i, j] = Σ_blocks dW_ijᵀ[ch, oc], blocks in order.
                let dw = makeBuffer(o * c * taps) { dwp in
                    partials.withUnsafeBufferPointer { sp in
                        for oc in 0..<o { for ch in 0..<c { for t in 0..<taps {
                            var acc: Float = 0
                            for b in 0..<blocks { acc += sp[((b * taps + t) * c + ch) * o + oc] }
                            dwp[(oc * c + ch) * taps + t] = acc
                        } } }
                    }
                }
                results[1] = Tensor(uncheckedShape: wShape, data: dw)
            }
            if needs.count == 3 { results.append(needs[2] ? grad.sum(axes: [0, 2, 3]) : nil) }
            return results
        }
    }
}

/// The zero-padded planes of one image and the output grid on them (see `conv2dTapwise`).
struct PaddedPlanes {
    let g: ConvGeometry
    /// Padded height and width; values per padded plane.
    let hp, wp, count: Int
    /// Grid pixels: oh rows of wp (the last kw − 1 of each row are not output pixels).
    var gridCount: Int { g.oh * wp }
    /// Floats to allocate for C planes: a grid row's last taps read up to kw − 1 values past a
    /// plane (into the next plane, or this slack after the last), only for non-output pixels.
    var bufferCount: Int { g.c * count + g.kw }

    init(_ g: ConvGeometry) {
        self.g = g
        hp = g.h + g.padTop + g.padBottom
        wp = g.w + g.padLeft + g.padRight
        count = hp * wp
    }

    /// Grid offset of tap t = i·kw + j.
    @inline(__always) func offset(tap t: Int) -> Int { (t / g.kw) * wp + t % g.kw }

    /// Writes image [C, H, W] into `dst` ([C] padded planes, zero borders and slack).
    func pad(_ image: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
        dst.update(repeating: 0, count: bufferCount)
        for ch in 0..<g.c {
            for y in 0..<g.h {
                (dst + ch * count + (y + g.padTop) * wp + g.padLeft).update(from: image + (ch * g.h + y) * g.w, count: g.w)
            }
        }
    }

    /// The interior of `src`'s C padded planes into an image [C, H, W].
    func interior(_ src: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        for ch in 0..<g.c {
            for y in 0..<g.h {
                (image + (ch * g.h + y) * g.w).update(from: src + ch * count + (y + g.padTop) * wp + g.padLeft, count: g.w)
            }
        }
    }

    /// Calls `body(q, oy, ox0, ox1)` for each output row's run within grid pixels `grid`: grid
    /// pixel `q` is output (oy, ox0), the run covers output columns ox0..<ox1.
    @inline(__always)
    func forEachOutputRun(_ grid: Range<Int>, _ body: (Int, Int, Int, Int) -> Void) {
        var q = grid.lowerBound
        while q < grid.upperBound {
            let oy = q / wp, x0 = q - oy * wp
            let x1 = Swift.min(wp, x0 + (grid.upperBound - q))
            if x0 < g.ow { body(q, oy, x0, Swift.min(x1, g.ow)) }
            q += x1 - x0
        }
    }

    /// Copies `tile` ([rows, grid.count], grid pixels) into the output image [rows, oh, ow],
    /// adding `bias[row]` when given; non-output grid pixels are dropped.
    func scatterGrid(_ tile: UnsafePointer<Float>, rows: Int, grid: Range<Int>, into out: UnsafeMutablePointer<Float>, bias: Tensor?) {
        forEachOutputRun(grid) { q, oy, x0, x1 in
            for r in 0..<rows {
                let s = tile + r * grid.count + q - grid.lowerBound - x0, d = out + (r * g.oh + oy) * g.ow
                if let bias {
                    let b = bias.data[r]
                    for ox in x0..<x1 { d[ox] = s[ox] + b }
                } else {
                    (d + x0).update(from: s + x0, count: x1 - x0)
                }
            }
        }
    }

    /// The output image's ([rows, oh, ow]) values at grid pixels `grid` into `tile`
    /// ([rows, grid.count]); 0 at non-output grid pixels.
    func gatherGrid(_ image: UnsafePointer<Float>, rows: Int, grid: Range<Int>, into tile: UnsafeMutablePointer<Float>) {
        tile.update(repeating: 0, count: rows * grid.count)
        forEachOutputRun(grid) { q, oy, x0, x1 in
            for r in 0..<rows {
                (tile + r * grid.count + q - grid.lowerBound).update(from: image + (r * g.oh + oy) * g.ow + x0, count: x1 - x0)
            }
        }
    }
}
