/// 2-d convolution (cross-correlation, as in PyTorch) on [N, C, H, W] with weights
/// [O, C/groups, kh, kw] and an optional bias [O].
///
/// groups == 1: images with ≥ `perImageMinimumPixels` output pixels run image by image —
/// stride 1 with ≥ 8 input channels as one GEMM per kernel tap (`ConvTapwise.swift`), other
/// layers as im2col tiles (`ConvTiled.swift`), both with GEMMs small enough for OpenBLAS's
/// unpacked kernels, and layers too wide for those as one GEMM per image (`ConvPerImage.swift`);
/// smaller images as batch im2col + one GEMM (OpenBLAS). Depthwise (groups == C == O): a direct
/// kernel (`DepthwiseConv.swift`). Other group counts: one groups == 1 convolution per group.
extension Tensor {
    /// Convolves this [N, C, H, W] tensor with `weight` [O, C/groups, kh, kw] and adds `bias` [O]
    /// per output channel, giving [N, O, oh, ow] (sizes as in `ConvGeometry`). `stride` is
    /// (vertical, horizontal) in pixels; `padding` pads with zeros.
    /// - Precondition: both tensors rank 4, `groups ≥ 1` divides C and O with
    ///   `weight.shape[1] · groups == C`, bias (if any) has shape [O], and the kernel fits the
    ///   padded input; violations trap with a message naming the shapes.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                       padding: Padding = .valid, groups: Int = 1) -> Tensor {
        precondition(rank == 4, "conv2d: input shape \(shape) is not [N, C, H, W]")
        precondition(weight.rank == 4, "conv2d: weight shape \(weight.shape) is not [O, C/groups, kh, kw]")
        let (c, o) = (shape[1], weight.shape[0])
        precondition(groups >= 1 && c % groups == 0 && o % groups == 0 && weight.shape[1] * groups == c,
                     "conv2d: input shape \(shape) and weight shape \(weight.shape) do not agree with groups \(groups)")
        if let bias { precondition(bias.shape == [o], "conv2d: bias shape \(bias.shape) is not [\(o)] for weight \(weight.shape)") }
        if groups == 1 { return conv2dDense(weight: weight, bias: bias, stride: stride, padding: padding) }
        if groups == c && o == c {
            return depthwiseConv2d(weight: weight, bias: bias, stride: stride, padding: padding)
        }
        let ci = c / groups, co = o / groups
        let parts = (0..<groups).map { gi in
            slice(axis: 1, gi * ci..<(gi + 1) * ci).conv2dDense(
                weight: weight.slice(axis: 0, gi * co..<(gi + 1) * co),
                bias: bias?.slice(axis: 0, gi * co..<(gi + 1) * co), stride: stride, padding: padding)
        }
        return Tensor.concat(parts, axis: 1)
    }

    /// From this many output pixels per image on, convolutions run image by image (one GEMM
    /// straight into the NCHW output, a column buffer that stays in cache, no permutes); below
    /// it, one GEMM over the whole batch amortises the call overhead of tiny matrices.
    static var perImageMinimumPixels: Int { 256 }

    func conv2dDense(weight: Tensor, bias: Tensor?, stride: (Int, Int), padding: Padding) -> Tensor {
        let g = ConvGeometry(input: shape, kernel: (weight.shape[2], weight.shape[3]), stride: stride,
                             padding: padding, op: "conv2d")
        let o = weight.shape[0], rows = g.c * g.kh * g.kw, ohw = g.oh * g.ow, cols = g.n * ohw
        let isPointwise = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1
            && g.padTop + g.padBottom + g.padLeft + g.padRight == 0
        if ohw >= Tensor.perImageMinimumPixels {
            if g.sh == 1 && g.sw == 1 && !isPointwise && g.c >= Tensor.tapwiseMinimumChannels,
               let tile = Tensor.tapwiseTileWidth(outChannels: o, inChannels: g.c) {
                return conv2dTapwise(weight: weight, bias: bias, geometry: g, tile: tile)
            }
            if let tile = Tensor.convTileWidth(outChannels: o, rows: rows) {
                return conv2dTiled(weight: weight, bias: bias, geometry: g, isPointwise: isPointwise, tile: tile)
            }
            return conv2dPerImage(weight: weight, bias: bias, geometry: g, isPointwise: isPointwise)
        }
        let x = self
        var col = makeBuffer(rows * cols) { _ in }
        col.withUnsafeMutableBufferPointer { cp in
            x.data.withUnsafeBufferPointer { xp in
                if isPointwise { channelMajor(xp.baseAddress!, n: g.n, c: g.c, hw: ohw, cp.baseAddress!) }
                else { im2col(xp.baseAddress!, g, cp.baseAddress!) }
            }
        }
        var product = makeBuffer(o * cols) { _ in }
        weight.data.withUnsafeBufferPointer { wp in col.withUnsafeBufferPointer { cp in
            product.withUnsafeMutableBufferPointer { pp in
                sgemm(transA: false, transB: false, m: o, n: cols, k: rows, wp.baseAddress!, lda: rows,
                      cp.baseAddress!, ldb: cols, pp.baseAddress!, ldc: cols)
            }
        } }
        let out = makeBuffer(g.n * o * ohw) { op in
            product.withUnsafeBufferPointer { pp in
                if let bias {
                    bias.data.withUnsafeBufferPointer { bp in
                        batchMajor(pp.baseAddress!, n: g.n, c: o, hw: ohw, bias: bp.baseAddress!, op.baseAddress!)
                    }
                } else {
                    batchMajor(pp.baseAddress!, n: g.n, c: o, hw: ohw, bias: nil, op.baseAddress!)
                }
            }
        }
        product = []
        // Keep the column matrix only when the weight gradient may be needed.
        let savedCol: [Float]? = GradientMode.isRecording && weight.node != nil ? col : nil
        col = []
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        let weightData = weight.data, wShape = weight.shape
        return Tensor.record([g.n, o, g.oh, g.ow], out, inputs: inputs) { grad, needs in
            // grad [n, o, ohw] → gp [o, n·ohw]
            let gp = makeBuffer(o * cols) { dst in
                grad.data.withUnsafeBufferPointer { src in
                    channelMajor(src.baseAddress!, n: g.n, c: o, hw: ohw, dst.baseAddress!)
                }
            }
            var results: [Tensor?] = [nil, nil]
            if needs[0] {
                var dcol = makeBuffer(rows * cols) { _ in }
                weightData.withUnsafeBufferPointer { wp in gp.withUnsafeBufferPointer { gq in
                    dcol.withUnsafeMutableBufferPointer { dp in
                        sgemm(transA: true, transB: false, m: rows, n: cols, k: o, wp.baseAddress!, lda: rows,
                              gq.baseAddress!, ldb: cols, dp.baseAddress!, ldc: cols)
                    }
                } }
                let dx = makeZeroedBuffer(g.n * g.c * g.h * g.w) { dxp in
                    dcol.withUnsafeBufferPointer { dp in
                        if isPointwise { batchMajor(dp.baseAddress!, n: g.n, c: g.c, hw: ohw, bias: nil, dxp.baseAddress!) }
                        else { col2im(dp.baseAddress!, g, dxp.baseAddress!) }
                    }
                }
                results[0] = Tensor(uncheckedShape: x.shape, data: dx)
            }
            if needs[1], let savedCol {
                let dw = makeBuffer(o * rows) { dwp in
                    gp.withUnsafeBufferPointer { gq in savedCol.withUnsafeBufferPointer { cp in
                        sgemm(transA: false, transB: true, m: o, n: rows, k: cols, gq.baseAddress!, lda: cols,
                              cp.baseAddress!, ldb: cols, dwp.baseAddress!, ldc: rows)
                    } }
                }
                results[1] = Tensor(uncheckedShape: wShape, data: dw)
            }
            if needs.count == 3 {
                results.append(needs[2] ? Tensor(uncheckedShape: [o], data: rowSums(gp, rows: o, cols: cols)) : nil)
            }
            return results
        }
    }
}

/// Sum of each row of a row-major [rows, cols] matrix (Double accumulation).
func rowSums(_ m: [Float], rows: Int, cols: Int) -> [Float] {
    m.withUnsafeBufferPointer { p in
        (0..<rows).map { r in
            var acc: Double = 0
            for k in 0..<cols { acc += Double(p[r * cols + k]) }
            return Float(acc)
        }
    }
}
