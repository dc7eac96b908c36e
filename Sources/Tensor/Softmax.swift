import Foundation

/// Softmax and log-softmax over one axis, computed stably (the lane maximum is subtracted
/// before exponentiating). A lane of −inf entries gives NaN; NaN propagates.
extension Tensor {
    /// Calls `body(base)` for every lane along the axis: element j of a lane is at base + j·inner.
    @inline(__always)
    private func forEachLane(_ outer: Int, _ inner: Int, _ len: Int, _ body: (Int) -> Void) {
        for i in 0..<outer { for k in 0..<inner { body(i * len * inner + k) } }
    }

    /// log-softmax values of every lane.
    private func logSoftmaxData(_ outer: Int, _ len: Int, _ inner: Int) -> [Float] {
        makeBuffer(count) { o in
            data.withUnsafeBufferPointer { x in
                forEachLane(outer, inner, len) { base in
                    var m = -Float.infinity
                    for j in 0..<len { m = Swift.max(m, x[base + j * inner]) }
                    var s: Float = 0
                    for j in 0..<len { s += Foundation.exp(x[base + j * inner] - m) }
                    let logSum = Foundation.log(s)
                    for j in 0..<len { o[base + j * inner] = (x[base + j * inner] - m) - logSum }
                }
            }
        }
    }

    /// Softmax over `axis`; each lane sums to 1.
    public func softmax(axis: Int = -1) -> Tensor {
        let (outer, len, inner) = split(at: normalisedAxis(axis, op: "softmax"))
        let out = logSoftmaxData(outer, len, inner).map { Foundation.exp($0) }
        return Tensor.record(shape, out, inputs: [self]) { g, _ in
            // dx = y · (g − Σ g·y)
            let d = makeBuffer(g.count) { o in
                forEachLane(outer, inner, len) { base in
                    var dot: Float = 0
                    for j in 0..<len { dot += g.data[base + j * inner] * out[base + j * inner] }
                    for j in 0..<len { o[base + j * inner] = out[base + j * inner] * (g.data[base + j * inner] - dot) }
                }
            }
            return [Tensor(uncheckedShape: g.shape, data: d)]
        }
    }

    /// log(softmax(x)) over `axis`, as (x − max) − log Σ exp(x − max).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let (outer, len, inner) = split(at: normalisedAxis(axis, op: "logSoftmax"))
        let out = logSoftmaxData(outer, len, inner)
        return Tensor.record(shape, out, inputs: [self]) { g, _ in
            // dx = g − softmax · Σ g
            let d = makeBuffer(g.count) { o in
                forEachLane(outer, inner, len) { base in
                    var s: Float = 0
                    for j in 0..<len { s += g.data[base + j * inner] }
                    for j in 0..<len { o[base + j * inner] = g.data[base + j * inner] - Foundation.exp(out[base + j * inner]) * s }
                }
            }
            return [Tensor(uncheckedShape: g.shape, data: d)]
        }
    }
}
