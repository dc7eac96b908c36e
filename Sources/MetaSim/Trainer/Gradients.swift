import NN
import Tensor

/// Gradients of a loss keyed by the identity of the `Parameter` they belong to, so that terms
/// computed for different parameter lists (MMD, the task reward) add up correctly whatever
/// order or subset each used.
public struct Gradients {
    private var storage: [ObjectIdentifier: Tensor] = [:]

    /// No gradients (every parameter's gradient is zero).
    public init() {}

    /// `tensors[i]` as the gradient of `parameters[i]`, as returned by autodiff for
    /// `parameters.map(\.value)`.
    /// - Precondition: as many tensors as parameters, each of its parameter's shape.
    public init(_ parameters: [Parameter], _ tensors: [Tensor]) {
        precondition(parameters.count == tensors.count, "Gradients: \(tensors.count) tensors for \(parameters.count) parameters")
        for (p, g) in zip(parameters, tensors) {
            precondition(p.shape == g.shape, "Gradients: gradient shape \(g.shape) differs from parameter shape \(p.shape)")
            let key = ObjectIdentifier(p)
            storage[key] = storage[key].map { $0 + g } ?? g
        }
    }

    /// The gradient of `parameter`; nil when none was recorded (zero).
    public subscript(parameter: Parameter) -> Tensor? {
        storage[ObjectIdentifier(parameter)]
    }

    /// Number of parameters with a gradient.
    public var count: Int { storage.count }

    /// The sum, parameter by parameter (a parameter missing on one side counts as zero there).
    public static func + (a: Gradients, b: Gradients) -> Gradients {
        var sum = a
        for (key, g) in b.storage { sum.storage[key] = a.storage[key].map { $0 + g } ?? g }
        return sum
    }

    /// One tensor per parameter of `parameters`, in that order (zeros for parameters without a
    /// gradient): what an `Optimizer` over `parameters` steps with.
    public func ordered(for parameters: [Parameter]) -> [Tensor] {
        parameters.map { p in
            storage[ObjectIdentifier(p)] ?? Tensor(shape: p.shape, data: [Float](repeating: 0, count: p.shape.reduce(1, *)))
        }
    }
}

extension Optimizer {
    /// One update from gradients matched to this optimiser's parameters by identity.
    public func step(_ gradients: Gradients) {
        step(gradients.ordered(for: parameters))
    }
}
