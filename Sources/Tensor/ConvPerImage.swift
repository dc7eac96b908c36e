import Parallel
/// Dense convolution image by image: for image n, im2col into a [c·kh·kw, oh·ow] buffer, then
/// out[n] = W · col (+ bias) — the GEMM writes the NCHW output directly, no permutes. All work
/// runs on the `Parallel` module's threads with one-thread GEMMs (`sgemmSerial`, see
/// `BLASThreads`): the forward pass and the input gradient split the images (each thread builds
/// an image's columns and multiplies them while they are in its cache); the weight gradient
/// dW = Σₙ g[n] · col[n]ᵀ splits dW's columns into fixed blocks of 64 and sums the images in
/// order, so every element is summed the same way whatever the number of threads. The backward pass rebuilds the columns in chunks of
/// images instead of keeping the whole batch's. Pointwise convolutions (1×1, stride 1, no
/// padding) use the image itself as its columns.
extension Tensor {
    /// Images per backward chunk: enough to keep both cores busy building columns, few enough
    /// that the chunk's columns stay in the last-level cache.
    static func perImageChunk(columnBytes: Int) -> Int { Swift.max(1, Swift.min(8, (8 << 20) / Swift.max(columnBytes, 1))) }

    func conv2dPerImage(weight: Tensor, bias: Tensor?, geometry g: ConvGeometry, isPointwise: Bool) -> Tensor {
        let o = weight.shape[0], rows = g.c * g.kh * g.kw, ohw = g.oh * g.ow, hw = g.h * g.w
        var single = g
        single.n = 1
        let x = self
        let out = makeBuffer(g.n * o * ohw) { op in
            x.data.withUnsafeBufferPointer { xp in weight.data.withUnsafeBufferPointer { wp in
                parallelChunks(g.n) { images in
                    var columns = isPointwise ? [] : makeBuffer(rows * ohw) { _ in }
                    columns.withUnsafeMutableBufferPointer { cp in
                        for n in images {
                            let image = xp.baseAddress! + n * g.c * hw
                            if !isPointwise { im2col(image, single, cp.baseAddress!, parallel: false) }
                            let dst = op.baseAddress! + n * o * ohw
                            if let bias {
                                for ch in 0..<o { (dst + ch * ohw).update(repeating: bias.data[ch], count: ohw) }
                            }
                            sgemmSerial(transA: false, transB: false, m: o, n: ohw, k: rows, wp.baseAddress!, lda: rows,
                                        isPointwise ? image : UnsafePointer(cp.baseAddress!), ldb: ohw,
                                        beta: bias == nil ? 0 : 1, dst, ldc: ohw)
                        }
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
            let chunk = Tensor.perImageChunk(columnBytes: rows * ohw * 4)
            let dwBlocks = (rows + 63) / 64      // dW's columns in fixed blocks of 64: the sums do not depend on the threads
            var col = isPointwise ? [] : makeBuffer(chunk * rows * ohw) { _ in }
            grad.data.withUnsafeBufferPointer { gp in x.data.withUnsafeBufferPointer { xp in
                weightData.withUnsafeBufferPointer { wp in
                    dx.withUnsafeMutableBufferPointer { dxp in dw.withUnsafeMutableBufferPointer { dwp in
                        col.withUnsafeMutableBufferPointer { cp in
                            /// Image `first + j`'s columns: the chunk's buffer, or the image itself when pointwise.
                            func columns(_ first: Int, _ j: Int) -> UnsafeMutablePointer<Float> {
                                isPointwise ? UnsafeMutablePointer(mutating: xp.baseAddress! + (first + j) * g.c * hw)
                                            : cp.baseAddress! + j * rows * ohw
                            }
                            for first in stride(from: 0, to: g.n, by: chunk) {
                                let count = Swift.min(chunk, g.n - first)
                                if needs[1] {
                                    if !isPointwise {
                                        parallelFor(count, work: count * rows * ohw) { j in
                                            im2col(xp.baseAddress! + (first + j) * g.c * hw, single, columns(first, j), parallel: false)
                                        }
                                    }
                                    // dW[:, part] (+)= g[n] · col[n][part]ᵀ, images in order.
                                    parallelChunks(dwBlocks, maxChunks: dwBlocks) { blocks in
                                        let part = blocks.lowerBound * 64..<Swift.min(rows, blocks.upperBound * 64)
                                        for j in 0..<count {
                                            let img = first + j
                                            sgemmSerial(transA: false, transB: true, m: o, n: part.count, k: ohw,
                                                        gp.baseAddress! + img * o * ohw, lda: ohw,
                                                        UnsafePointer(columns(first, j) + part.lowerBound * ohw), ldb: ohw,
                                                        beta: img == 0 ? 0 : 1, dwp.baseAddress! + part.lowerBound, ldc: rows)
                                        }
                                    }
                                }
                                guard needs[0] else { continue }
                                // dcol = Wᵀ · g[n] (into the image's column buffer, or dx itself), then col2im.
                                parallelFor(count, work: count * rows * ohw) { j in
                                    let img = first + j
                                    sgemmSerial(transA: true, transB: false, m: rows, n: ohw, k: o, wp.baseAddress!, lda: rows,
                                                gp.baseAddress! + img * o * ohw, ldb: ohw,
                                                isPointwise ? dxp.baseAddress! + img * g.c * hw : columns(first, j), ldc: ohw)
                                    if !isPointwise {
                                        col2im(columns(first, j), single, dxp.baseAddress! + img * g.c * hw, parallel: false)
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
