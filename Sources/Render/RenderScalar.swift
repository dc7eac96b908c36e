/// The number type the compositor's pixel kernels are written over, so one kernel gives both the
/// plain forward value (`Float`) and its derivatives with respect to an object's geometry
/// (`GeometryDual`, forward-mode automatic differentiation).
///
/// Only the handful of operations the kernels need are required. Comparisons and `floor` act on
/// the value alone (derivatives of a piecewise function are those of the active piece).
protocol RenderScalar {
    init(_ constant: Float)
    var value: Float { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    /// Square root; the derivative is taken at `max(x, 1e-12)` so it never becomes infinite.
    func squareRoot() -> Self
}

extension Float: RenderScalar {
    @inline(__always) var value: Float { self }
}

/// A value with its partial derivatives with respect to up to eight geometry parameters
/// (slots listed in `GeometrySlot`). Arithmetic follows the usual forward-mode rules.
struct GeometryDual: RenderScalar {
    var value: Float
    var partials: SIMD8<Float>

    @inline(__always) init(_ constant: Float) {
        value = constant
        partials = .zero
    }

    @inline(__always) init(value: Float, partials: SIMD8<Float>) {
        self.value = value
        self.partials = partials
    }

    /// The independent variable in `slot` with value `value`.
    @inline(__always) init(variable value: Float, slot: Int) {
        self.value = value
        var p = SIMD8<Float>.zero
        p[slot] = 1
        partials = p
    }

    @inline(__always) static func + (a: GeometryDual, b: GeometryDual) -> GeometryDual {
        GeometryDual(value: a.value + b.value, partials: a.partials + b.partials)
    }

    @inline(__always) static func - (a: GeometryDual, b: GeometryDual) -> GeometryDual {
        GeometryDual(value: a.value - b.value, partials: a.partials - b.partials)
    }

    @inline(__always) static func * (a: GeometryDual, b: GeometryDual) -> GeometryDual {
        GeometryDual(value: a.value * b.value, partials: b.value * a.partials + a.value * b.partials)
    }

    @inline(__always) static func / (a: GeometryDual, b: GeometryDual) -> GeometryDual {
        let q = a.value / b.value
        return GeometryDual(value: q, partials: (a.partials - q * b.partials) / b.value)
    }

    @inline(__always) static prefix func - (a: GeometryDual) -> GeometryDual {
        GeometryDual(value: -a.value, partials: -a.partials)
    }

    @inline(__always) func squareRoot() -> GeometryDual {
        let r = value.squareRoot()
        return GeometryDual(value: r, partials: partials * (0.5 / max(r, 1e-6)))
    }
}

/// Slots of `GeometryDual.partials`: the continuous geometry parameters of one layer.
enum GeometrySlot {
    static let centreX = 0
    static let centreY = 1
    /// Rotation in radians, counter-clockwise as seen on screen.
    static let rotation = 2
    static let scaleX = 3
    static let scaleY = 4
    /// Half the stroke width of a polyline, in pixels.
    static let halfWidth = 5
}

// Piecewise helpers: they choose a branch by value and carry that branch's derivatives.

@inline(__always) func rsAbs<T: RenderScalar>(_ x: T) -> T { x.value < 0 ? -x : x }
@inline(__always) func rsMax<T: RenderScalar>(_ a: T, _ b: T) -> T { a.value >= b.value ? a : b }
@inline(__always) func rsMin<T: RenderScalar>(_ a: T, _ b: T) -> T { a.value <= b.value ? a : b }
@inline(__always) func rsClamp<T: RenderScalar>(_ x: T, _ lo: Float, _ hi: Float) -> T {
    if x.value < lo { return T(lo) }
    if x.value > hi { return T(hi) }
    return x
}
