import Parallel
/// Depthwise 2-d convolution (one filter per channel), computed directly, no im2col.
///
/// Each plane is copied into a zero-padded scratch split by stride phase in both directions
/// (see `PhasedPlane`), so that every kernel tap becomes ONE contiguous multiply-add over a
/// "wide" output plane of `oh × phaseWidth` elements (the columns past `ow` are scratch and
/// discarded). Long, branch-free loops the compiler vectorises, for any stride and padding.
/// Forward and input gradient run in parallel over (image, channel) planes; the weight
/// gradient in parallel over channels, summing images in order, so results do not depend on
/// the thread count.
extension Tensor {
    /// Input [N, C, H, W], weight [C, 1, kh, kw], optional bias [C].
    public func depthwiseConv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                                padding: Padding = .valid) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[0] == shape[1] && weight.shape[1] == 1,
                "depthwiseConv2d: input shape \(shape) and weight shape \(weight.shape) do not agree")
        if let bias { precondition(bias.shape == [shape[1]], "depthwiseConv2d: bias shape \(bias.shape) is not [\(shape[1])]") }
        let g = ConvGeometry(input: shape, kernel: (weight.shape[2], weight.shape[3]), stride: stride,
                             padding: padding, op: "depthwiseConv2d")
        let plane = PhasedPlane(g), offsets = plane.tapOffsets
        let planes = g.n * g.c, ohw = g.oh * g.ow, hw = g.h * g.w, taps = g.kh * g.kw, wide = plane.wideCount
        let x = self
        let out = makeBuffer(planes * ohw) { op in
            x.data.withUnsafeBufferPointer { xp in weight.data.withUnsafeBufferPointer { wp in
                let bp = bias?.data
                parallelFor(planes, work: planes * ohw * taps) { p in
                    let ch = p % g.c
                    plane.withScratch { scratch, acc in
                        plane.fill(scratch, from: xp.baseAddress! + p * hw)
                        acc.update(repeating: bp?[ch] ?? 0, count: wide)
                        for tap in 0..<taps {
                            let wv = wp[ch &* taps &+ tap], s = scratch + offsets[tap]
                            multiplyAdd(wv, s, into: acc, count: wide)
                        }
                        plane.narrow(acc, into: op.baseAddress! + p * ohw)
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
                let dx = makeBuffer(planes * hw) { dp in
                    grad.data.withUnsafeBufferPointer { gp in weightData.withUnsafeBufferPointer { wp in
                        parallelFor(planes, work: planes * ohw * taps) { p in
                            let ch = p % g.c
                            plane.withScratch { scratch, wideGrad in
                                plane.widen(gp.baseAddress! + p * ohw, into: wideGrad)
                                scratch.update(repeating: 0, count: plane.size)
                                for tap in 0..<taps {
                                    let wv = wp[ch &* taps &+ tap], d = scratch + offsets[tap]
                                    multiplyAdd(wv, wideGrad, into: d, count: wide)
                                }
                                plane.extract(scratch, into: dp.baseAddress! + p * hw)
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
                            plane.withScratch { scratch, wideGrad in
                                for img in 0..<g.n {
                                    let p = img * g.c + ch
                                    plane.fill(scratch, from: xp.baseAddress! + p * hw)
                                    plane.widen(gp.baseAddress! + p * ohw, into: wideGrad)
                                    for tap in 0..<taps {
                                        let s = scratch + offsets[tap]
                                        var acc: Float = 0
                                        for k in 0..<wide { acc += wideGrad[k] * s[k] }
                                        dwp[ch &* taps &+ tap] += acc
                                    }
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
