import Parallel

/// Dense convolution in tiles of output pixels, for layers whose GEMMs per tile stay small:
/// per image and per tile of `tile` consecutive output pixels (`ColumnTile.swift`),
///
/// - forward: out[:, tile] = W · col[:, tile] (+ bias), written straight into NCHW;
/// - input gradient: dcol = Wᵀ · g[:, tile], added back into dX by col2im;
/// - weight gradient: dWᵀ += col[:, tile] · g[:, tile]ᵀ (g's tile transposed, o × tile values).
///
/// Why tiles: each product is then at most `smallGEMMLimit` multiply-adds, which OpenBLAS
/// (0.3.21, Skylake-X/Cooper Lake kernels) multiplies with its small-matrix kernels straight
/// from the operands, without packing them; one big GEMM per image packs the column matrix
/// afresh on every call (a quarter of the convolution's time) and, at 128×128, writes a column
/// matrix of several MB that leaves the cache. Measured on this machine, one thread, o = 32,
/// c·kh·kw = 288: 110–117 GFLOP/s per tile GEMM against 68–89 for the image's one GEMM; o = 16,
/// c·kh·kw = 432 at 128×128: 102–116 against 10–25 (Benchmarks/README.md). A tile's columns
/// (≤ 128 pixels) stay in L1/L2 between im2col, the GEMMs and col2im.
///
/// Threads: the forward pass splits the images; the backward pass splits fixed blocks of
/// `weightGradientBlock` images, each block summing its images' dWᵀ in order into its own
/// buffer, and the blocks are summed in order — results do not depend on the thread count.
extension Tensor {
    /// The most multiply-adds (m·n·k) of a product OpenBLAS 0.3.21 hands to its small-matrix
    /// kernels (`sgemm_small_kernel_permit`: m·n·k ≤ 100³; row-major NN and TN products, which
    /// are the ones used here).
    static var smallGEMMLimit: Int { 1_000_000 }
    /// Images per weight-gradient partial sum.
    static var weightGradientBlock: Int { 4 }

    /// Pixels per tile for a layer with `o` output channels and `rows` = c·kh·kw: 128, 64 or
    /// 32 (multiples of 32 suit the kernels' vector width), the widest whose products stay
    /// within `smallGEMMLimit`; nil when even 32 does not (then `conv2dPerImage`).
    static func convTileWidth(outChannels o: Int, rows: Int) -> Int? {
        var tile = 128
        while tile > 32 && o * tile * rows > smallGEMMLimit { tile /= 2 }
        return o * tile * rows <= smallGEMMLimit ? tile : nil
    }

    func conv2dTiled(weight: Tensor, bias: Tensor?, geometry g: ConvGeometry, isPointwise: Bool, tile: Int) -> Tensor {
        let o = weight.shape[0], rows = g.c * g.kh * g.kw, ohw = g.oh * g.ow, hw = g.h * g.w
        var single = g
        single.n = 1
        let tiles = (0..<((ohw + tile - 1) / tile)).map { $0 * tile..<Swift.min(ohw, ($0 + 1) * tile) }
        let x = self
        let out = makeBuffer(g.n * o * ohw) { op in
            x.data.withUnsafeBufferPointer { xp in weight.data.withUnsafeBufferPointer { wp in
                parallelChunks(g.n) { images in
                    var columns = isPointwise ? [] : makeBuffer(rows * tile) { _ in }
                    columns.withUnsafeMutableBufferPointer { cp in
                        for n in images {
                            let image = xp.baseAddress! + n * g.c * hw, dst = op.baseAddress! + n * o * ohw
                            for px in tiles {
                                if !isPointwise { im2colTile(image, single, pixels: px, cp.baseAddress!) }
                                if let bias {
                                    for ch in 0..<o { (dst + ch * ohw + px.lowerBound).update(repeating: bias.data[ch], count: px.count) }
                                }
                                sgemmSerial(transA: false, transB: false, m: o, n: px.count, k: rows, wp.baseAddress!, lda: rows,
                                            isPointwise ? image + px.lowerBound : UnsafePointer(cp.baseAddress!),
                                            ldb: isPointwise ? hw : px.count,
                                            beta: bias == nil ? 0 : 1, dst + px.lowerBound, ldc: ohw)
                            }
                        }
                    }
                }
            } }
        }
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        let weightData = weight.data, wShape = weight.shape
        return Tensor.record([g.n, o, g.oh, g.ow], out, inputs: inputs) { grad, needs in
            let blockSize = Tensor.weightGradientBlock, blocks = (g.n + blockSize - 1) / blockSize
            var dx = needs[0] ? [Float](repeating: 0, count: x.count) : []
            var partials = needs[1] ? makeBuffer(blocks * rows * o) { _ in } : []   // dWᵀ [rows, o] per block
            grad.data.withUnsafeBufferPointer { gp in x.data.withUnsafeBufferPointer { xp in
                weightData.withUnsafeBufferPointer { wp in
                    dx.withUnsafeMutableBufferPointer { dxp in partials.withUnsafeMutableBufferPointer { pp in
                        parallelFor(blocks) { b in
                            var columns = isPointwise ? [] : makeBuffer(rows * tile) { _ in }
                            var gT = needs[1] ? makeBuffer(tile * o) { _ in } : []
                            columns.withUnsafeMutableBufferPointer { cp in gT.withUnsafeMutableBufferPointer { tp in
                                let partial = needs[1] ? pp.baseAddress! + b * rows * o : nil
                                var first = true
                                for n in b * blockSize..<Swift.min(g.n, (b + 1) * blockSize) {
                                    let image = xp.baseAddress! + n * g.c * hw, dImage = needs[0] ? dxp.baseAddress! + n * g.c * hw : nil
                                    let gImage = gp.baseAddress! + n * o * ohw
                                    for px in tiles {
                                        // Image n's columns for this tile: the image itself when pointwise.
                                        let (col, ld) = isPointwise ? (image + px.lowerBound, hw) : (UnsafePointer(cp.baseAddress!), px.count)
                                        if let partial {
                                            if !isPointwise { im2colTile(image, single, pixels: px, cp.baseAddress!) }
                                            transposeBlock(gImage + px.lowerBound, rows: o, cols: px.count, ld: ohw, tp.baseAddress!)
                                            sgemmSerial(transA: false, transB: false, m: rows, n: o, k: px.count, col, lda: ld,
                                                        UnsafePointer(tp.baseAddress!), ldb: o, beta: first ? 0 : 1, partial, ldc: o)
                                            first = false
                                        }
                                        if let dImage {
                                            // dcol = Wᵀ · g[:, tile] (into dX itself when pointwise), then col2im.
                                            sgemmSerial(transA: true, transB: false, m: rows, n: px.count, k: o, wp.baseAddress!, lda: rows,
                                                        gImage + px.lowerBound, ldb: ohw, beta: 0,
                                                        isPointwise ? dImage + px.lowerBound : cp.baseAddress!, ldc: ld)
                                            if !isPointwise { col2imTile(cp.baseAddress!, single, pixels: px, dImage) }
                                        }
                                    }
                                }
                            } }
                        }
                    } }
                }
            } }
            var results: [Tensor?] = [needs[0] ? Tensor(uncheckedShape: x.shape, data: dx) : nil, nil]
            if needs[1] {
                // dW[oc, r] = Σ_blocks dWᵀ_b[r, oc], blocks in order.
                let dw = makeBuffer(o * rows) { dwp in
                    partials.withUnsafeBufferPointer { pp in
                        for oc in 0..<o {
                            for r in 0..<rows {
                                var acc: Float = 0
                                for b in 0..<blocks { acc += pp[(b * rows + r) * o + oc] }
                                dwp[oc * rows + r] = acc
                            }
                        }
                    }
                }
                results[1] = Tensor(uncheckedShape: wShape, data: dw)
            }
            if needs.count == 3 { results.append(needs[2] ? grad.sum(axes: [0, 2, 3]) : nil) }
            return results
        }
    }
}
