import Parallel

/// An n-dimensional, contiguous, row-major array of `Float` with value semantics.
///
/// Storage is a Swift `[Float]`, so copies share memory until one of them is written
/// (copy-on-write). A tensor may carry a reference to an autodiff graph node (`node`), set
/// when it requires a gradient or was computed from tensors that do; see `Autodiff.swift`.
///
/// Edge cases: a shape with a zero dimension has no elements (`count == 0`); the empty shape
/// `[]` is a scalar with one element. NaN and infinity are stored and propagated as given.
public struct Tensor: @unchecked Sendable {
    /// Dimensions, outermost first. Every entry is ≥ 0.
    public let shape: [Int]
    /// The elements in row-major order; `data.count == shape.product`.
    public internal(set) var data: [Float]
    /// The autodiff node of this value, nil when no gradient flows through it.
    public internal(set) var node: GradNode?

    /// A tensor from elements in row-major order.
    /// - Precondition: `data.count` equals the product of `shape` and no dimension is negative.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(data.count == shapeCount(shape),
                     "Tensor: \(data.count) elements do not fill shape \(shape)")
        self.shape = shape
        self.data = data
        self.node = nil
    }

    /// Internal initialiser that skips validation (callers guarantee the count).
    init(uncheckedShape shape: [Int], data: [Float], node: GradNode? = nil) {
        self.shape = shape
        self.data = data
        self.node = node
    }

    /// A tensor filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: value, count: shapeCount(shape)))
    }

    /// A scalar (shape `[]`).
    public init(_ scalar: Float) {
        self.init(uncheckedShape: [], data: [scalar])
    }

    /// All zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// All ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// Number of elements.
    public var count: Int { data.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// The single element of a one-element tensor.
    /// - Precondition: `count == 1`.
    public var scalar: Float {
        precondition(data.count == 1, "Tensor.scalar: shape \(shape) has \(data.count) elements, not 1")
        return data[0]
    }

    /// Row-major strides of `shape`.
    public var strides: [Int] { rowMajorStrides(shape) }

    /// The element at a full multi-index (debugging and tests; not for hot loops).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == shape.count, "Tensor subscript: \(index.count) indices for shape \(shape)")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "Tensor subscript: index \(index) out of shape \(shape)")
            offset = offset * shape[axis] + i
        }
        return data[offset]
    }

    /// Same values, no autodiff history: gradients do not flow through the result.
    public var detached: Tensor { Tensor(uncheckedShape: shape, data: data) }
}

/// Product of dimensions (1 for the scalar shape `[]`).
@inlinable public func shapeCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

/// Row-major strides: the last axis has stride 1.
public func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = running
        running *= shape[axis]
    }
    return strides
}

/// Allocates `count` floats and lets `body` initialise every one of them.
@inline(__always)
func makeBuffer(_ count: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    _ = MemoryTuning.applied
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
        body(buffer)
        initialised = count
    }
}

/// Allocates `count` zeroed floats and lets `body` accumulate into them.
@inline(__always)
func makeZeroedBuffer(_ count: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    var result = [Float](repeating: 0, count: count)
    result.withUnsafeMutableBufferPointer { body($0) }
    return result
}

extension Tensor: CustomStringConvertible {
    /// Debug text showing the shape and at most the first 8 values (then "…").
    public var description: String {
        let preview = data.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), data: [\(preview)\(data.count > 8 ? ", …" : "")])"
    }
}
