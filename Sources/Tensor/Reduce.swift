import Foundation

/// Reductions over axes. Axes may be negative (counted from the end). Summing an empty axis
/// gives 0, its mean NaN (0/0); `max` of an empty axis is a precondition failure. NaN
/// propagates through sum and mean; `max` picks the first maximal element (NaN compares false).
extension Tensor {
    func normalisedAxis(_ axis: Int, op: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "\(op): axis \(axis) out of range for shape \(shape)")
        return a
    }

    /// (outer, length, inner) sizes around `axis`.
    func split(at axis: Int) -> (Int, Int, Int) {
        (shapeCount(Array(shape[..<axis])), shape[axis], shapeCount(Array(shape[(axis + 1)...])))
    }

    /// Sum of all elements (a scalar).
    public func sum() -> Tensor {
        let total = data.withUnsafeBufferPointer { p -> Float in
            // pairwise-ish: accumulate in Double for accuracy on large tensors
            var acc: Double = 0
            for v in p { acc += Double(v) }
            return Float(acc)
        }
        let myShape = shape
        return Tensor.record([], [total], inputs: [self]) { g, _ in
            [Tensor(repeating: g.data[0], shape: myShape)]
        }
    }

    /// Mean of all elements (a scalar).
    public func mean() -> Tensor { sum() * (1 / Float(count)) }

    /// Sum over `axes`; the reduced axes are kept with size 1 when `keepDims`.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axesN = Set(axes.map { normalisedAxis($0, op: "sum") })
        let keptShape = shape.enumerated().map { axesN.contains($0.offset) ? 1 : $0.element }
        var result = self.sum(toShape: keptShape)
        if !keepDims {
            result = result.reshaped(shape.enumerated().filter { !axesN.contains($0.offset) }.map(\.element))
        }
        return result
    }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = axes.map { shape[normalisedAxis($0, op: "mean")] }.reduce(1, *)
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    /// Maximum over one axis. The gradient goes to the first maximal element.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = normalisedAxis(axis, op: "max")
        let (outer, len, inner) = split(at: a)
        precondition(len > 0, "max: axis \(axis) of shape \(shape) is empty")
        var argmax = [Int](repeating: 0, count: outer * inner)
        let out = makeBuffer(outer * inner) { o in
            data.withUnsafeBufferPointer { x in
                for i in 0..<outer {
                    for k in 0..<inner {
                        var best = x[i * len * inner + k], bestJ = 0
                        for j in 1..<len {
                            let v = x[(i * len + j) * inner + k]
                            if v > best { best = v; bestJ = j }
                        }
                        o[i * inner + k] = best
                        argmax[i * inner + k] = bestJ
                    }
                }
            }
        }
        var outShape = shape
        if keepDims { outShape[a] = 1 } else { outShape.remove(at: a) }
        let inShape = shape
        return Tensor.record(outShape, out, inputs: [self]) { g, _ in
            let d = makeZeroedBuffer(outer * len * inner) { o in
                for i in 0..<outer { for k in 0..<inner {
                    o[(i * len + argmax[i * inner + k]) * inner + k] = g.data[i * inner + k]
                } }
            }
            return [Tensor(uncheckedShape: inShape, data: d)]
        }
    }
}
