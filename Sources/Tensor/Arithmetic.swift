/// Elementwise arithmetic with broadcasting. Each operator keeps its forward and backward
/// together; gradients of broadcast operands are summed back to their shapes.
/// IEEE semantics throughout: x / 0 is ±inf or NaN, NaN propagates.
extension Tensor {
    /// Elementwise sum with NumPy-style broadcasting; the result has the broadcast shape.
    /// Traps (precondition) when the shapes do not broadcast.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, op: "add") { $0 + $1 }
        return record(shape, out, inputs: [a, b]) { g, needs in
            [needs[0] ? g.sum(toShape: a.shape) : nil, needs[1] ? g.sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise difference `a - b` with broadcasting; the result has the broadcast shape.
    /// Traps (precondition) when the shapes do not broadcast.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, op: "subtract") { $0 - $1 }
        return record(shape, out, inputs: [a, b]) { g, needs in
            [needs[0] ? g.sum(toShape: a.shape) : nil, needs[1] ? (-g).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise (Hadamard) product with broadcasting, not a matrix product (see `matmul`).
    /// Traps (precondition) when the shapes do not broadcast.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, op: "multiply") { $0 * $1 }
        return record(shape, out, inputs: [a, b]) { g, needs in
            [needs[0] ? (g * b.detached).sum(toShape: a.shape) : nil,
             needs[1] ? (g * a.detached).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise quotient `a / b` with broadcasting. Zeros in `b` give ±inf (or NaN for 0/0)
    /// in the value and in the gradient; nothing is clamped. Traps (precondition) when the shapes do not broadcast.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, op: "divide") { $0 / $1 }
        return record(shape, out, inputs: [a, b]) { g, needs in
            let bd = b.detached
            return [needs[0] ? (g / bd).sum(toShape: a.shape) : nil,
                    needs[1] ? (-(g * a.detached) / (bd * bd)).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise negation; same shape as `a`.
    public static prefix func - (a: Tensor) -> Tensor {
        record(a.shape, a.mapData { -$0 }, inputs: [a]) { g, _ in [-g] }
    }

    /// Adds the constant `s` to every element; same shape as `a`, gradient flows to `a` only.
    public static func + (a: Tensor, s: Float) -> Tensor {
        record(a.shape, a.mapData { $0 + s }, inputs: [a]) { g, _ in [g] }
    }
    /// Subtracts the constant `s` from every element (computed as `a + (-s)`).
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    /// Adds the constant `s` to every element; same as `a + s`.
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    /// `s - x` for every element x of `a` (computed as `(-a) + s`).
    public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }

    /// Multiplies every element by the constant `s`; same shape as `a`, gradient flows to `a` only.
    public static func * (a: Tensor, s: Float) -> Tensor {
        record(a.shape, a.mapData { $0 * s }, inputs: [a]) { g, _ in [g * s] }
    }
    /// Multiplies every element by the constant `s`; same as `a * s`.
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    /// Divides every element by `s`, computed as `a * (1 / s)` (may differ from true division in
    /// the last bit). `s == 0` gives ±inf, and NaN for zero elements.
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
}
