import Parallel
/// Dense convolution image by image: for image n, im2col into a [c·kh·kw, oh·ow] buffer, then
/// out[n] = W · col (+ bias) — the GEMM writes the NCHW output directly, no permutes. Images are
/// taken in chunks: the chunk's columns are built in parallel (one image per thread), then its
/// GEMMs run back to back on OpenBLAS's threads. The backward pass rebuilds each chunk's columns
/// instead of keeping the whole batch's: dW += g[n] · colᵀ (images in order, so the sum order is
/// fixed), dcol = Wᵀ · g[n], then col2im in parallel over the chunk's images.
/// Pointwise convolutions (1×1, stride 1, no padding) use the image itself as its columns.
extension Tensor {
    /// Images per chunk: enough to keep both cores busy building columns, few enough that the
    /// chunk's columns stay in the last-level cache.
    static func perImageChunk(columnBytes: Int) -> Int { Swift.max(1, Swift.min(8, (8 << 20) / Swift.max(columnBytes, 1))) }

    func conv2dPerImage(weight: Tensor, bias: Tensor?, geometry g: ConvGeometry, isPointwise: Bool) -> Tensor {
        let o = weight.shape[0], rows = g.c * g.kh * g.kw, ohw = g.oh * g.ow, hw = g.h * g.w
        var single = g
        single.n = 1
        let chunk = Tensor.perImageChunk(columnBytes: rows * ohw * 4)
        let x = self
        var columns = isPointwise ? [] : makeBuffer(chunk * rows * ohw) { _ in }
        let out = makeBuffer(g.n * o * ohw) { op in
            x.data.withUnsafeBufferPointer { xp in weight.data.withUnsafeBufferPointer { wp in
                columns.withUnsafeMutableBufferPointer { cp in
                    for first in stride(from: 0, to: g.n, by: chunk) {
                        let count = Swift.min(chunk, g.n - first)
                        if !isPointwise {
                            parallelFor(count, work: count * rows * ohw) { j in
                                im2col(xp.baseAddress! + (first + j) * g.c * hw, single, cp.baseAddress! + j * rows * ohw, parallel: false)
                            }
                        }
                        for j in 0..<count {
                            let image = xp.baseAddress! + (first + j) * g.c * hw
                            let dst = op.baseAddress! + (first + j) * o * ohw
                            if let bias {
                                for ch in 0..<o { (dst + ch * ohw).update(repeating: bias.data[ch], count: ohw) }
                            }
                            sgemm(transA: false, transB: false, m: o, n: ohw, k: rows, wp.baseAddress!, lda: rows,
                                  isPointwise ? image : UnsafePointer(cp.baseAddress! + j * rows * ohw), ldb: ohw,
                                  beta: bias == nil ? 0 : 1, dst, ldc: ohw)
                        }
                    }
                }
            } }
        }
        columns = []
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        let weightData = weight.data, wShape = weight.shape
        return Tensor.record([g.n, o, g.oh, g.ow], out, inputs: inputs) { grad, needs in
            var dx = needs[0] ? [Float](repeating: 0, count: x.count) : []
            var dw = needs[1] ? [Float](repeating: 0, count: o * rows) : []
            var col = isPointwise ? [] : makeBuffer(chunk * rows * ohw) { _ in }
            grad.data.withUnsafeBufferPointer { gp in x.data.withUnsafeBufferPointer { xp in
                weightData.withUnsafeBufferPointer { wp in
                    dx.withUnsafeMutableBufferPointer { dxp in dw.withUnsafeMutableBufferPointer { dwp in
                        col.withUnsafeMutableBufferPointer { cp in
                            for first in stride(from: 0, to: g.n, by: chunk) {
                                let count = Swift.min(chunk, g.n - first)
                                if needs[1] {
                                    if !isPointwise {
                                        parallelFor(count, work: count * rows * ohw) { j in
                                            im2col(xp.baseAddress! + (first + j) * g.c * hw, single,
                                                   cp.baseAddress! + j * rows * ohw, parallel: false)
                                        }
                                    }
                                    for j in 0..<count {
                                        let img = first + j
                                        sgemm(transA: false, transB: true, m: o, n: rows, k: ohw,
                                              gp.baseAddress! + img * o * ohw, lda: ohw,
                                              isPointwise ? xp.baseAddress! + img * g.c * hw : UnsafePointer(cp.baseAddress! + j * rows * ohw),
                                              ldb: ohw, beta: img == 0 ? 0 : 1, dwp.baseAddress!, ldc: rows)
                                    }
                                }
                                guard needs[0] else { continue }
                                for j in 0..<count {
                                    let img = first + j
                                    sgemm(transA: true, transB: false, m: rows, n: ohw, k: o, wp.baseAddress!, lda: rows,
                                          gp.baseAddress! + img * o * ohw, ldb: ohw,
                                          isPointwise ? dxp.baseAddress! + img * g.c * hw : cp.baseAddress! + j * rows * ohw, ldc: ohw)
                                }
                                if !isPointwise {
                                    parallelFor(count, work: count * rows * ohw) { j in
                                        col2im(cp.baseAddress! + j * rows * ohw, single,
                                               dxp.baseAddress! + (first + j) * g.c * hw, parallel: false)
                                    }
                                }
                            }
                        }
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
