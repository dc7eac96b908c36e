import Parallel
/// NumPy-style broadcasting: shapes are aligned at their last axes; each pair of dimensions
/// must be equal or one of them 1.
public func broadcastShape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        precondition(da == db || da == 1 || db == 1, "\(op): shapes \(a) and \(b) do not broadcast")
        out[i] = da == 1 ? db : da
    }
    return out
}

/// Strides for reading a tensor of `shape` as if it had `target` shape (0 on broadcast axes).
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let offset = target.count - shape.count
    let own = rowMajorStrides(shape)
    return (0..<target.count).map { i in
        i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
    }
}

/// Calls `body(outBase, aBase, bBase, innerCount, aStep, bStep)` once per run of the last
/// axis of `outShape`; a and b are read through broadcast strides.
@inline(__always)
func forEachBroadcastRow(_ outShape: [Int], _ aStrides: [Int], _ bStrides: [Int],
                         _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
    let rank = outShape.count
    if rank == 0 { body(0, 0, 0, 1, 0, 0); return }
    let inner = outShape[rank - 1]
    let rows = shapeCount(outShape) / max(inner, 1)
    if inner == 0 { return }
    var index = [Int](repeating: 0, count: rank - 1)
    var aOff = 0, bOff = 0
    for row in 0..<rows {
        body(row * inner, aOff, bOff, inner, aStrides[rank - 1], bStrides[rank - 1])
        // advance the multi-index over the outer axes
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            aOff += aStrides[axis]; bOff += bStrides[axis]
            if index[axis] < outShape[axis] { break }
            aOff -= aStrides[axis] * outShape[axis]; bOff -= bStrides[axis] * outShape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}

extension Tensor {
    /// Sums this tensor down to `target`, the inverse of broadcasting `target` to `shape`
    /// (the gradient of a broadcast). Returns self when the shapes already match.
    public func sum(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        let strides = broadcastStrides(target, to: shape)
        let zero = [Int](repeating: 0, count: shape.count)
        let src = self
        let out = makeZeroedBuffer(shapeCount(target)) { o in
            src.data.withUnsafeBufferPointer { s in
                forEachBroadcastRow(shape, strides, zero) { base, tOff, _, n, tStep, _ in
                    if tStep == 0 {
                        var acc: Float = 0
                        for j in 0..<n { acc += s[base + j] }
                        o[tOff] += acc
                    } else {
                        for j in 0..<n { o[tOff + j] += s[base + j] }
                    }
                }
            }
        }
        let result = Tensor(uncheckedShape: target, data: out)
        return Tensor.record(target, result.data, inputs: [self]) { g, _ in [g.broadcast(to: src.shape)] }
    }

    /// Repeats this tensor along broadcast axes to `target` shape.
    public func broadcast(to target: [Int]) -> Tensor {
        if target == shape { return self }
        _ = broadcastShape(shape, target, op: "broadcast")
        let strides = broadcastStrides(shape, to: target)
        let zero = [Int](repeating: 0, count: target.count)
        let src = self
        let out = makeBuffer(shapeCount(target)) { o in
            src.data.withUnsafeBufferPointer { s in
                forEachBroadcastRow(target, strides, zero) { base, aOff, _, n, aStep, _ in
                    for j in 0..<n { o[base + j] = s[aOff + j * aStep] }
                }
            }
        }
        let myShape = shape
        return Tensor.record(target, out, inputs: [self]) { g, _ in [g.sum(toShape: myShape)] }
    }

    /// Applies `f` elementwise to broadcast pairs of `a` and `b` (no autodiff). Same-shape
    /// operands run in parallel chunks (elementwise, so results do not depend on the split).
    @inline(__always)
    static func zipBroadcast(_ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float) -> ([Int], [Float]) {
        if a.shape == b.shape && op == "add" {  // residual connections: a closure-free loop
            let out = makeBuffer(a.count) { o in
                a.data.withUnsafeBufferPointer { x in b.data.withUnsafeBufferPointer { y in
                    parallelChunks(o.count, grain: elementwiseGrain) { range in for i in range { o[i] = x[i] + y[i] } }
                } }
            }
            return (a.shape, out)
        }
        if a.shape == b.shape {
            let out = makeBuffer(a.count) { o in
                a.data.withUnsafeBufferPointer { x in
                    b.data.withUnsafeBufferPointer { y in
                        parallelChunks(o.count, grain: elementwiseGrain) { range in for i in range { o[i] = f(x[i], y[i]) } }
                    }
                }
            }
            return (a.shape, out)
        }
        let shape = broadcastShape(a.shape, b.shape, op: op)
        let sa = broadcastStrides(a.shape, to: shape), sb = broadcastStrides(b.shape, to: shape)
        let out = makeBuffer(shapeCount(shape)) { o in
            a.data.withUnsafeBufferPointer { x in
                b.data.withUnsafeBufferPointer { y in
                    forEachBroadcastRow(shape, sa, sb) { base, ao, bo, n, aStep, bStep in
                        if aStep == 1 && bStep == 0 {
                            let yv = y[bo]
                            for j in 0..<n { o[base + j] = f(x[ao + j], yv) }
                        } else if aStep == 0 && bStep == 1 {
                            let xv = x[ao]
                            for j in 0..<n { o[base + j] = f(xv, y[bo + j]) }
                        } else {
                            for j in 0..<n { o[base + j] = f(x[ao + j * aStep], y[bo + j * bStep]) }
                        }
                    }
                }
            }
        }
        return (shape, out)
    }

    /// Applies `f` to each element (no autodiff).
    @inline(__always)
    func mapData(_ f: (Float) -> Float) -> [Float] {
        makeBuffer(count) { o in
            data.withUnsafeBufferPointer { x in
                parallelChunks(o.count, grain: elementwiseGrain) { range in for i in range { o[i] = f(x[i]) } }
            }
        }
    }
}
