import Parallel
/// Pooling over [N, C, H, W]. Parallel over (image, channel) planes; each plane is written by
/// one thread. Max pooling ignores padded taps (−inf) and sends the gradient to the first
/// maximal tap; average pooling divides by the full window (padded taps count as zeros, as in
/// PyTorch's count_include_pad). A window that sees only padding gives −inf (max) or 0 (avg).
extension Tensor {
    /// Maximum over each `kernel` (height, width) window of this [N, C, H, W] tensor, giving
    /// [N, C, oh, ow] (see `ConvGeometry`). `stride` defaults to the kernel (non-overlapping
    /// windows). Traps if the input is not rank 4, kernel/stride are not positive, or the kernel
    /// exceeds the padded input.
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: Padding = .valid) -> Tensor {
        pool2d(kernel: kernel, stride: stride ?? kernel, padding: padding, isMax: true)
    }

    /// Mean over each `kernel` (height, width) window of this [N, C, H, W] tensor, giving
    /// [N, C, oh, ow]; always divides by kh·kw, so padded taps count as zeros. `stride` defaults to
    /// the kernel. Same preconditions as `maxPool2d`.
    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: Padding = .valid) -> Tensor {
        pool2d(kernel: kernel, stride: stride ?? kernel, padding: padding, isMax: false)
    }

    /// Mean over H and W: [N, C, H, W] → [N, C].
    public func globalAvgPool2d() -> Tensor {
        precondition(rank == 4, "globalAvgPool2d: input shape \(shape) is not [N, C, H, W]")
        return mean(axes: [2, 3])
    }

    func pool2d(kernel: (Int, Int), stride: (Int, Int), padding: Padding, isMax: Bool) -> Tensor {
        let op = isMax ? "maxPool2d" : "avgPool2d"
        let g = ConvGeometry(input: shape, kernel: kernel, stride: stride, padding: padding, op: op)
        let planes = g.n * g.c, ohw = g.oh * g.ow, hw = g.h * g.w
        let scale = 1 / Float(g.kh * g.kw)
        var argmax = isMax ? [Int32](repeating: -1, count: planes * ohw) : []
        let isMax2x2 = isMax && g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2
            && g.padTop + g.padBottom + g.padLeft + g.padRight == 0
        let out = makeBuffer(planes * ohw) { op in
            data.withUnsafeBufferPointer { xp in argmax.withUnsafeMutableBufferPointer { ap in
                parallelFor(planes, work: planes * ohw * g.kh * g.kw) { p in
                    let src = xp.baseAddress! + p * hw
                    if isMax2x2 {
                        maxPool2x2Plane(src, h: g.h, w: g.w, oh: g.oh, ow: g.ow, op.baseAddress! + p * ohw, ap.baseAddress! + p * ohw)
                        return
                    }
                    for oy in 0..<g.oh { for ox in 0..<g.ow {
                        var best = -Float.infinity, bestAt: Int32 = -1, acc: Float = 0
                        for i in 0..<g.kh {
                            let iy = oy * g.sh - g.padTop + i
                            if iy < 0 || iy >= g.h { continue }
                            for j in 0..<g.kw {
                                let ix = ox * g.sw - g.padLeft + j
                                if ix < 0 || ix >= g.w { continue }
                                let v = src[iy * g.w + ix]
                                if isMax { if v > best || bestAt < 0 { best = v; bestAt = Int32(iy * g.w + ix) } }
                                else { acc += v }
                            }
                        }
                        let k = p * ohw + oy * g.ow + ox
                        if isMax { op[k] = best; ap[k] = bestAt } else { op[k] = acc * scale }
                    } }
                }
            } }
        }
        let inShape = shape
        return Tensor.record([g.n, g.c, g.oh, g.ow], out, inputs: [self]) { grad, _ in
            let dx = makeZeroedBuffer(planes * hw) { dp in
                grad.data.withUnsafeBufferPointer { gp in
                    parallelFor(planes, work: planes * ohw * g.kh * g.kw) { p in
                        let dst = dp.baseAddress! + p * hw
                        for oy in 0..<g.oh { for ox in 0..<g.ow {
                            let k = p * ohw + oy * g.ow + ox
                            if isMax {
                                if argmax[k] >= 0 { dst[Int(argmax[k])] += gp[k] }
                                continue
                            }
                            let v = gp[k] * scale
                            for i in 0..<g.kh {
                                let iy = oy * g.sh - g.padTop + i
                                if iy < 0 || iy >= g.h { continue }
                                for j in 0..<g.kw {
                                    let ix = ox * g.sw - g.padLeft + j
                                    if ix >= 0 && ix < g.w { dst[iy * g.w + ix] += v }
                                }
                            }
                        } }
                    }
                }
            }
            return [Tensor(uncheckedShape: inShape, data: dx)]
        }
    }
}

/// 2×2 max pooling, stride 2, no padding, of one [h, w] plane into [oh, ow] values and the
/// flat input index of each window's maximum: the same result as the general loop (taps in
/// row-major order, a later tap wins only when strictly greater, so ties and a leading NaN
/// keep the first tap), without its per-tap bounds tests.
func maxPool2x2Plane(_ src: UnsafePointer<Float>, h: Int, w: Int, oh: Int, ow: Int,
                     _ out: UnsafeMutablePointer<Float>, _ at: UnsafeMutablePointer<Int32>) {
    for oy in 0..<oh {
        let top = (2 * oy) * w, bottom = top + w
        for ox in 0..<ow {
            let i0 = top + 2 * ox
            var best = src[i0], bestAt = i0
            if src[i0 + 1] > best { best = src[i0 + 1]; bestAt = i0 + 1 }
            let i2 = bottom + 2 * ox
            if src[i2] > best { best = src[i2]; bestAt = i2 }
            if src[i2 + 1] > best { best = src[i2 + 1]; bestAt = i2 + 1 }
            out[oy * ow + ox] = best
            at[oy * ow + ox] = Int32(truncatingIfNeeded: bestAt)
        }
    }
}
