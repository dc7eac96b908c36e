/// Shape manipulation: reshape, permute, slice, concat, stack, gather, pad. Each copies into a
/// fresh contiguous tensor (reshape shares storage) and has its gradient beside it.
extension Tensor {
    /// Same elements, new shape. One dimension may be -1 (inferred).
    /// - Precondition: the element counts match.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let hole = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "reshape: cannot reshape \(shape) to \(newShape)")
            target[hole] = count / known
        }
        precondition(target.allSatisfy { $0 >= 0 } && shapeCount(target) == count,
                     "reshape: cannot reshape \(shape) to \(newShape)")
        let old = shape
        return Tensor.record(target, data, inputs: [self]) { g, _ in [g.reshaped(old)] }
    }

    /// Reorders axes: result axis i is input axis `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.count == rank && Set(order) == Set(0..<rank),
                     "permute: order \(order) is not a permutation of the axes of shape \(shape)")
        let newShape = order.map { shape[$0] }
        let inStrides = strides
        let srcStrides = order.map { inStrides[$0] }
        let zero = [Int](repeating: 0, count: rank)
        let out = makeBuffer(count) { o in
            data.withUnsafeBufferPointer { x in
                forEachBroadcastRow(newShape, srcStrides, zero) { base, off, _, n, step, _ in
                    for j in 0..<n { o[base + j] = x[off + j * step] }
                }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return Tensor.record(newShape, out, inputs: [self]) { g, _ in [g.permuted(inverse)] }
    }

    /// The elements along `axis` in reverse order (`reversed(axis: 3)` of `[N, C, H, W]` images
    /// mirrors them left–right). Its gradient is the reversed gradient (the op is its own inverse).
    /// - Precondition: `axis` is an axis of the shape (negative counts from the end).
    public func reversed(axis: Int) -> Tensor {
        let a = normalisedAxis(axis, op: "reversed")
        let (outer, len, inner) = split(at: a)
        let out = makeBuffer(count) { o in
            data.withUnsafeBufferPointer { x in
                for i in 0..<outer {
                    for k in 0..<len {
                        (o.baseAddress! + (i * len + k) * inner)
                            .update(from: x.baseAddress! + (i * len + len - 1 - k) * inner, count: inner)
                    }
                }
            }
        }
        return Tensor.record(shape, out, inputs: [self]) { g, _ in [g.reversed(axis: a)] }
    }

    /// Swaps the last two axes.
    /// - Precondition: rank ≥ 2.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transpose: shape \(shape) has fewer than 2 axes")
        var order = Array(0..<rank)
        order.swapAt(rank - 1, rank - 2)
        return permuted(order)
    }

    /// Elements `range` along `axis`.
    /// - Precondition: the range lies inside the axis.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = normalisedAxis(axis, op: "slice")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a],
                     "slice: range \(range) out of axis \(a) of shape \(shape)")
        let (outer, len, inner) = split(at: a)
        let n = range.count
        let out = makeBuffer(outer * n * inner) { o in
            data.withUnsafeBufferPointer { x in
                for i in 0..<outer {
                    let src = x.baseAddress! + (i * len + range.lowerBound) * inner
                    (o.baseAddress! + i * n * inner).update(from: src, count: n * inner)
                }
            }
        }
        var newShape = shape
        newShape[a] = n
        let inShape = shape
        return Tensor.record(newShape, out, inputs: [self]) { g, _ in
            let d = makeZeroedBuffer(outer * len * inner) { o in
                g.data.withUnsafeBufferPointer { gp in
                    for i in 0..<outer {
                        (o.baseAddress! + (i * len + range.lowerBound) * inner)
                            .update(from: gp.baseAddress! + i * n * inner, count: n * inner)
                    }
                }
            }
            return [Tensor(uncheckedShape: inShape, data: d)]
        }
    }

    /// Joins tensors along `axis`; all other dimensions must match.
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concat: no tensors")
        let first = parts[0]
        let a = first.normalisedAxis(axis, op: "concat")
        for p in parts {
            var s1 = p.shape, s0 = first.shape
            precondition(s1.count == s0.count, "concat: shapes \(s0) and \(s1) differ in rank")
            s1[a] = 0; s0[a] = 0
            precondition(s1 == s0, "concat: shapes \(first.shape) and \(p.shape) differ off axis \(a)")
        }
        let outer = shapeCount(Array(first.shape[..<a]))
        let inner = shapeCount(Array(first.shape[(a + 1)...]))
        let lens = parts.map { $0.shape[a] }
        let total = lens.reduce(0, +)
        let out = makeBuffer(outer * total * inner) { o in
            var offset = 0
            for (p, len) in zip(parts, lens) {
                p.data.withUnsafeBufferPointer { x in
                    for i in 0..<outer {
                        (o.baseAddress! + (i * total + offset) * inner)
                            .update(from: x.baseAddress! + i * len * inner, count: len * inner)
                    }
                }
                offset += len
            }
        }
        var newShape = first.shape
        newShape[a] = total
        return record(newShape, out, inputs: parts) { g, needs in
            var offset = 0
            return zip(lens, needs).map { len, need in
                defer { offset += len }
                return need ? g.slice(axis: a, offset..<(offset + len)) : nil
            }
        }
    }

    /// Stacks same-shape tensors along a new axis.
    public static func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!parts.isEmpty, "stack: no tensors")
        let shape = parts[0].shape
        for p in parts { precondition(p.shape == shape, "stack: shapes \(shape) and \(p.shape) differ") }
        let a = axis < 0 ? axis + shape.count + 1 : axis
        precondition(a >= 0 && a <= shape.count, "stack: axis \(axis) out of range for shape \(shape)")
        var expanded = shape
        expanded.insert(1, at: a)
        return concat(parts.map { $0.reshaped(expanded) }, axis: a)
    }

    /// Picks entries `indices` along `axis` (repeats allowed); the gradient scatter-adds.
    /// - Precondition: every index lies inside the axis.
    public func gather(axis: Int, indices: [Int]) -> Tensor {
        let a = normalisedAxis(axis, op: "gather")
        let (outer, len, inner) = split(at: a)
        for i in indices { precondition(i >= 0 && i < len, "gather: index \(i) out of axis \(a) of shape \(shape)") }
        let n = indices.count
        let out = makeBuffer(outer * n * inner) { o in
            data.withUnsafeBufferPointer { x in
                for i in 0..<outer { for (j, idx) in indices.enumerated() {
                    (o.baseAddress! + (i * n + j) * inner).update(from: x.baseAddress! + (i * len + idx) * inner, count: inner)
                } }
            }
        }
        var newShape = shape
        newShape[a] = n
        let inShape = shape
        return Tensor.record(newShape, out, inputs: [self]) { g, _ in
            let d = makeZeroedBuffer(outer * len * inner) { o in
                for i in 0..<outer { for (j, idx) in indices.enumerated() {
                    for k in 0..<inner { o[(i * len + idx) * inner + k] += g.data[(i * n + j) * inner + k] }
                } }
            }
            return [Tensor(uncheckedShape: inShape, data: d)]
        }
    }

    /// Pads with `value`: `padding[i] = (before, after)` for axis i (missing trailing entries
    /// mean no padding). Negative padding is a precondition failure.
    public func padded(_ padding: [(Int, Int)], value: Float = 0) -> Tensor {
        precondition(padding.count <= rank && padding.allSatisfy { $0.0 >= 0 && $0.1 >= 0 },
                     "pad: padding \(padding) invalid for shape \(shape)")
        let pads = padding + Array(repeating: (0, 0), count: rank - padding.count)
        let newShape = zip(shape, pads).map { $0 + $1.0 + $1.1 }
        let outStrides = rowMajorStrides(newShape)
        let offset = zip(pads, outStrides).map { $0.0 * $1 }.reduce(0, +)
        let zero = [Int](repeating: 0, count: rank)
        let out = makeBuffer(shapeCount(newShape)) { o in
            o.initialize(repeating: value)
            data.withUnsafeBufferPointer { x in
                forEachBroadcastRow(shape, outStrides, zero) { base, off, _, n, _, _ in
                    (o.baseAddress! + offset + off).update(from: x.baseAddress! + base, count: n)
                }
            }
        }
        let inShape = shape
        return Tensor.record(newShape, out, inputs: [self]) { g, _ in
            let d = makeBuffer(shapeCount(inShape)) { o in
                g.data.withUnsafeBufferPointer { gp in
                    forEachBroadcastRow(inShape, outStrides, zero) { base, off, _, n, _, _ in
                        (o.baseAddress! + base).update(from: gp.baseAddress! + offset + off, count: n)
                    }
                }
            }
            return [Tensor(uncheckedShape: inShape, data: d)]
        }
    }
}
