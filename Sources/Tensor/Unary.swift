import Foundation
import Parallel

/// Elementwise functions, each with its derivative next to it.
/// Domain edges follow IEEE: log(0) = -inf, log(<0) = NaN, sqrt(<0) = NaN; relu passes NaN.
extension Tensor {
    /// Elementwise op whose derivative is computed from input x and output y.
    @inline(__always)
    func unary(_ f: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let out = mapData(f)
        let x = self
        return Tensor.record(shape, out, inputs: [self]) { g, _ in
            let d = makeBuffer(g.count) { o in
                g.data.withUnsafeBufferPointer { gp in
                    x.data.withUnsafeBufferPointer { xp in
                        out.withUnsafeBufferPointer { yp in
                            parallelChunks(o.count, grain: elementwiseGrain) { range in
                                for i in range { o[i] = gp[i] * derivative(xp[i], yp[i]) }
                            }
                        }
                    }
                }
            }
            return [Tensor(uncheckedShape: g.shape, data: d)]
        }
    }

    /// e^x elementwise; overflows to +inf for x above about 88.7 (Float).
    public func exp() -> Tensor { unary({ Foundation.exp($0) }, derivative: { _, y in y }) }
    /// Natural logarithm elementwise: log(0) = -inf, log(x < 0) = NaN; the gradient 1/x is
    /// +inf at 0.
    public func log() -> Tensor { unary({ Foundation.log($0) }, derivative: { x, _ in 1 / x }) }
    /// Square root elementwise: NaN for x < 0; the gradient 0.5/√x is +inf at 0.
    public func sqrt() -> Tensor { unary({ $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    /// x^p elementwise for a constant exponent p.
    public func pow(_ p: Float) -> Tensor {
        if p == 2 { return unary({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
        return unary({ Foundation.pow($0, p) }, derivative: { x, _ in p * Foundation.pow(x, p - 1) })
    }
    /// x² elementwise (same as `pow(2)`, which uses a multiply, not `Foundation.pow`).
    public func squared() -> Tensor { pow(2) }
    /// |x| elementwise; the gradient is sign(x), taken as 0 at x = 0.
    public func abs() -> Tensor { unary({ Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }
    /// max(x, 0); derivative 0 at 0. NaN passes through.
    public func relu() -> Tensor { clampKernel(0, .infinity) }
    /// min(max(x, 0), 6); derivative 0 at 0 and 6. NaN passes through.
    public func relu6() -> Tensor { clampKernel(0, 6) }
    /// Logistic function 1 / (1 + e^-x) elementwise, in (0, 1); evaluated in a form that does not
    /// overflow for large |x|. Gradient y(1 - y).
    public func sigmoid() -> Tensor {
        unary({ $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) },
              derivative: { _, y in y * (1 - y) })
    }
    /// Hyperbolic tangent elementwise, in (-1, 1); gradient 1 - y².
    public func tanh() -> Tensor { unary({ Foundation.tanh($0) }, derivative: { _, y in 1 - y * y }) }
    /// Clamps to [lo, hi]; derivative 1 strictly inside, 0 outside. NaN passes through.
    public func clamped(_ lo: Float, _ hi: Float) -> Tensor { clampKernel(lo, hi) }

    /// Clamp with explicit loops (the hottest activations: no per-element closure calls).
    func clampKernel(_ lo: Float, _ hi: Float) -> Tensor {
        let x = self
        let out = makeBuffer(count) { o in
            x.data.withUnsafeBufferPointer { xp in
                parallelChunks(o.count, grain: elementwiseGrain) { range in
                    for i in range { o[i] = Swift.min(Swift.max(xp[i], lo), hi) }  // NaN stays NaN
                }
            }
        }
        return Tensor.record(shape, out, inputs: [self]) { g, _ in
            let d = makeBuffer(g.count) { o in
                g.data.withUnsafeBufferPointer { gp in x.data.withUnsafeBufferPointer { xp in
                    parallelChunks(o.count, grain: elementwiseGrain) { range in
                        for i in range { let v = xp[i], gv = gp[i]; o[i] = (v > lo) && (v < hi) ? gv : 0 }  // branch-free select
                    }
                } }
            }
            return [Tensor(uncheckedShape: g.shape, data: d)]
        }
    }
}
