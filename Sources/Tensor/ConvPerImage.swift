/// Dense convolution image by image: for image n, im2col into a reused [c·kh·kw, oh·ow]
/// buffer, then out[n] = W · col (+ bias) — the GEMM writes the NCHW output directly. The
/// backward pass recomputes each image's columns instead of keeping the whole batch's:
/// dW += g[n] · colᵀ (images in order, so the sum order is fixed), dcol = Wᵀ · g[n], col2im.
/// Pointwise convolutions (1×1, stride 1, no padding) use the image itself as its columns.
extension Tensor {
    func conv2dPerImage(weight: Tensor, bias: Tensor?, geometry g: ConvGeometry, isPointwise: Bool) -> Tensor {
        let o = weight.shape[0], rows = g.c * g.kh * g.kw, ohw = g.oh * g.ow, hw = g.h * g.w
        var single = g
        single.n = 1
        let x = self
        var columns = isPointwise ? [] : makeBuffer(rows * ohw) { _ in }
        let out = makeBuffer(g.n * o * ohw) { op in
            x.data.withUnsafeBufferPointer { xp in weight.data.withUnsafeBufferPointer { wp in
                columns.withUnsafeMutableBufferPointer { cp in
                    for img in 0..<g.n {
                        let image = xp.baseAddress! + img * g.c * hw
                        if !isPointwise { im2col(image, single, cp.baseAddress!, parallel: false) }
                        let dst = op.baseAddress! + img * o * ohw
                        if let bias {
                            for ch in 0..<o { (dst + ch * ohw).update(repeating: bias.data[ch], count: ohw) }
                        }
                        sgemm(transA: false, transB: false, m: o, n: ohw, k: rows, wp.baseAddress!, lda: rows,
                              isPointwise ? image : UnsafePointer(cp.baseAddress!), ldb: ohw,
                              beta: bias == nil ? 0 : 1, dst, ldc: ohw)
                    }
                }
            } }
        }
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        let weightData = weight.data, wShape = weight.shape
        return Tensor.record([g.n, o, g.oh, g.ow], out, inputs: inputs) { grad, needs in
            var dx = needs[0] ? [Float](repeating: 0, count: x.count) : []
            var dw = needs[1] ? [Float](repeating: 0, count: o * rows) : []
            var col = isPointwise || !needs[1] ? [] : makeBuffer(rows * ohw) { _ in }
            var dcol = isPointwise || !needs[0] ? [] : makeBuffer(rows * ohw) { _ in }
            grad.data.withUnsafeBufferPointer { gp in x.data.withUnsafeBufferPointer { xp in
                weightData.withUnsafeBufferPointer { wp in
                    dx.withUnsafeMutableBufferPointer { dxp in dw.withUnsafeMutableBufferPointer { dwp in
                        col.withUnsafeMutableBufferPointer { cp in dcol.withUnsafeMutableBufferPointer { dcp in
                            for img in 0..<g.n {
                                let gi = gp.baseAddress! + img * o * ohw
                                let image = xp.baseAddress! + img * g.c * hw
                                if needs[1] {
                                    if !isPointwise { im2col(image, single, cp.baseAddress!, parallel: false) }
                                    sgemm(transA: false, transB: true, m: o, n: rows, k: ohw, gi, lda: ohw,
                                          isPointwise ? image : UnsafePointer(cp.baseAddress!), ldb: ohw,
                                          beta: img == 0 ? 0 : 1, dwp.baseAddress!, ldc: rows)
                                }
                                if needs[0] {
                                    let dxi = dxp.baseAddress! + img * g.c * hw
                                    sgemm(transA: true, transB: false, m: rows, n: ohw, k: o, wp.baseAddress!, lda: rows,
                                          gi, ldb: ohw, isPointwise ? dxi : dcp.baseAddress!, ldc: ohw)
                                    if !isPointwise { col2im(dcp.baseAddress!, single, dxi, parallel: false) }
                                }
                            }
                        } }
                    } }
                }
            } }
            var results: [Tensor?] = [needs[0] ? Tensor(uncheckedShape: x.shape, data: dx) : nil,
                                      needs[1] ? Tensor(uncheckedShape: wShape, data: dw) : nil]
            if needs.count == 3 { results.append(needs[2] ? grad.sum(axes: [0, 2, 3]) : nil) }
            return results
        }
    }
}
