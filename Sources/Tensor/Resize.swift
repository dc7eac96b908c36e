import Parallel
/// Bilinear resize of [N, C, H, W] to [N, C, outH, outW] with half-pixel centres
/// (PyTorch `align_corners=False`, no antialiasing): source coordinate
/// (dst + 0.5)·in/out − 0.5, clamped to the image. Separable: each output row blends two
/// source rows, then interpolates along the blend (the backward pass in reverse), about half
/// the multiply-adds of four taps per pixel. Parallel over planes.
extension Tensor {
    /// Resamples this [N, C, H, W] tensor to [N, C, outH, outW] (sizes in pixels) as described
    /// above; differentiable with respect to the input. Works for up- and downscaling.
    /// - Precondition: rank 4, H, W, `outH` and `outW` all positive (traps otherwise).
    public func resizedBilinear(height outH: Int, width outW: Int) -> Tensor {
        precondition(rank == 4 && outH > 0 && outW > 0 && shape[2] > 0 && shape[3] > 0,
                     "resizedBilinear: cannot resize shape \(shape) to \([outH, outW])")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        struct Tap { var i0: Int, i1: Int, f: Float }
        func taps(_ outSize: Int, _ inSize: Int) -> [Tap] {
            (0..<outSize).map { d in
                let s = Swift.max((Float(d) + 0.5) * Float(inSize) / Float(outSize) - 0.5, 0)
                let i0 = Swift.min(Int(s), inSize - 1)
                return Tap(i0: i0, i1: Swift.min(i0 + 1, inSize - 1), f: s - Float(i0))
            }
        }
        let ty = taps(outH, h), tx = taps(outW, w)
        let planes = n * c, hw = h * w, ohw = outH * outW
        let out = makeBuffer(planes * ohw) { op in
            data.withUnsafeBufferPointer { xp in ty.withUnsafeBufferPointer { ty in tx.withUnsafeBufferPointer { tx in
                parallelFor(planes, work: planes * ohw * 4) { p in
                    let src = xp.baseAddress! + p * hw, dst = op.baseAddress! + p * ohw
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: w) { row in
                        for oy in 0..<outH {
                            // Blend the two source rows, then interpolate along the blended row.
                            let a = ty[oy], top = src + a.i0 * w, bottom = src + a.i1 * w
                            for x in 0..<w { row[x] = top[x] * (1 - a.f) + bottom[x] * a.f }
                            for ox in 0..<outW {
                                let b = tx[ox]
                                dst[oy * outW + ox] = row[b.i0] * (1 - b.f) + row[b.i1] * b.f
                            }
                        }
                    }
                }
            } } }
        }
        let inShape = shape
        return Tensor.record([n, c, outH, outW], out, inputs: [self]) { grad, _ in
            let dx = makeZeroedBuffer(planes * hw) { dp in
                grad.data.withUnsafeBufferPointer { gp in ty.withUnsafeBufferPointer { ty in tx.withUnsafeBufferPointer { tx in
                    parallelFor(planes, work: planes * ohw * 4) { p in
                        let dst = dp.baseAddress! + p * hw, g = gp.baseAddress! + p * ohw
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: w) { row in
                            for oy in 0..<outH {
                                // Spread the output row over a source-width row, then over the two source rows.
                                row.initialize(repeating: 0)
                                for ox in 0..<outW {
                                    let b = tx[ox], v = g[oy * outW + ox]
                                    row[b.i0] += v * (1 - b.f)
                                    row[b.i1] += v * b.f
                                }
                                let a = ty[oy], top = dst + a.i0 * w, bottom = dst + a.i1 * w
                                for x in 0..<w { top[x] += row[x] * (1 - a.f) }
                                for x in 0..<w { bottom[x] += row[x] * a.f }
                            }
                        }
                    }
                } } }
            }
            return [Tensor(uncheckedShape: inShape, data: dx)]
        }
    }
}
