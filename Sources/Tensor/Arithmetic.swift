/// Elementwise arithmetic with broadcasting. Each operator keeps its forward and backward
/// together; gradients of broadcast operands are summed back to their shapes.
/// IEEE semantics throughout: x / 0 is ±inf or NaN, NaN propagates.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, op: "add") { $0 + $1 }
        return record(shape, out, inputs: [a, b]) { g, needs in
            [needs[0] ? g.sum(toShape: a.shape) : nil, needs[1] ? g.sum(toShape: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, op: "subtract") { $0 - $1 }
        return record(shape, out, inputs: [a, b]) { g, needs in
            [needs[0] ? g.sum(toShape: a.shape) : nil, needs[1] ? (-g).sum(toShape: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, op: "multiply") { $0 * $1 }
        return record(shape, out, inputs: [a, b]) { g, needs in
            [needs[0] ? (g * b.detached).sum(toShape: a.shape) : nil,
             needs[1] ? (g * a.detached).sum(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = zipBroadcast(a, b, op: "divide") { $0 / $1 }
        return record(shape, out, inputs: [a, b]) { g, needs in
            let bd = b.detached
            return [needs[0] ? (g / bd).sum(toShape: a.shape) : nil,
                    needs[1] ? (-(g * a.detached) / (bd * bd)).sum(toShape: b.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        record(a.shape, a.mapData { -$0 }, inputs: [a]) { g, _ in [-g] }
    }

    public static func + (a: Tensor, s: Float) -> Tensor {
        record(a.shape, a.mapData { $0 + s }, inputs: [a]) { g, _ in [g] }
    }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }

    public static func * (a: Tensor, s: Float) -> Tensor {
        record(a.shape, a.mapData { $0 * s }, inputs: [a]) { g, _ in [g * s] }
    }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
}
