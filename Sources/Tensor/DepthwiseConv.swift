/// Depthwise 2-d convolution (one filter per channel), computed directly: each kernel tap is
/// a strided multiply-add over a row, no im2col. Forward and input gradient run in parallel
/// over (image, channel) planes; the weight gradient in parallel over channels, summing images
/// in order, so results do not depend on the thread count.
extension Tensor {
    /// Input [N, C, H, W], weight [C, 1, kh, kw], optional bias [C].
    public func depthwiseConv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                                padding: Padding = .valid) -> Tensor {
        require(rank == 4 && weight.rank == 4 && weight.shape[0] == shape[1] && weight.shape[1] == 1,
                     "depthwiseConv2d: input shape \(shape) and weight shape \(weight.shape) do not agree")
        if let bias { require(bias.shape == [shape[1]], "depthwiseConv2d: bias shape \(bias.shape) is not [\(shape[1])]") }
        let g = ConvGeometry(input: shape, kernel: (weight.shape[2], weight.shape[3]), stride: stride,
                             padding: padding, op: "depthwiseConv2d")
        let planes = g.n * g.c, ohw = g.oh * g.ow, hw = g.h * g.w, taps = g.kh * g.kw
        let x = self
        let out = makeBuffer(planes * ohw) { op in
            x.data.withUnsafeBufferPointer { xp in weight.data.withUnsafeBufferPointer { wp in
                let bp = bias?.data
                parallelFor(planes, work: planes * ohw * taps) { p in
                    let ch = p % g.c
                    let dst = op.baseAddress! + p * ohw, src = xp.baseAddress! + p * hw
                    dst.update(repeating: bp?[ch] ?? 0, count: ohw)
                    g.forEachTapRow { tap, outRow, inRow, xr in
                        let wv = wp[ch * taps + tap], d = dst + outRow, s = src + inRow
                        if g.sw == 1 { for ox in xr { d[ox] += wv * s[ox] } }
                        else { for ox in xr { d[ox] += wv * s[ox * g.sw] } }
                    }
                }
            } }
        }
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        let wShape = weight.shape, weightData = weight.data
        return Tensor.record([g.n, g.c, g.oh, g.ow], out, inputs: inputs) { grad, needs in
            var results: [Tensor?] = [nil, nil]
            if needs[0] {
                let dx = makeZeroedBuffer(planes * hw) { dp in
                    grad.data.withUnsafeBufferPointer { gp in weightData.withUnsafeBufferPointer { wp in
                        parallelFor(planes, work: planes * ohw * taps) { p in
                            let ch = p % g.c
                            let dst = dp.baseAddress! + p * hw, src = gp.baseAddress! + p * ohw
                            g.forEachTapRow { tap, outRow, inRow, xr in
                                let wv = wp[ch * taps + tap], s = src + outRow, d = dst + inRow
                                if g.sw == 1 { for ox in xr { d[ox] += wv * s[ox] } }
                                else { for ox in xr { d[ox * g.sw] += wv * s[ox] } }
                            }
                        }
                    } }
                }
                results[0] = Tensor(uncheckedShape: x.shape, data: dx)
            }
            if needs[1] {
                let dw = makeZeroedBuffer(g.c * taps) { dwp in
                    grad.data.withUnsafeBufferPointer { gp in x.data.withUnsafeBufferPointer { xp in
                        parallelFor(g.c, work: planes * ohw * taps) { ch in
                            for img in 0..<g.n {
                                let p = img * g.c + ch
                                let gs = gp.baseAddress! + p * ohw, xs = xp.baseAddress! + p * hw
                                g.forEachTapRow { tap, outRow, inRow, xr in
                                    let s = gs + outRow, xrow = xs + inRow
                                    var acc: Float = 0
                                    if g.sw == 1 { for ox in xr { acc += s[ox] * xrow[ox] } }
                                    else { for ox in xr { acc += s[ox] * xrow[ox * g.sw] } }
                                    dwp[ch * taps + tap] += acc
                                }
                            }
                        }
                    } }
                }
                results[1] = Tensor(uncheckedShape: wShape, data: dw)
            }
            if needs.count == 3 {
                results.append(needs[2] ? grad.sum(axes: [0, 2, 3]) : nil)
            }
            return results
        }
    }
}
