import Tensor

/// A named, mutable slot for a tensor a model owns: a trainable weight, or a buffer such as
/// batch-norm running statistics (`isTrainable == false`).
///
/// Trainable values are always autodiff leaves (`requiresGrad`), so after a forward pass
/// `gradients(of: loss, wrt: parameters.map(\.value))` gives their gradients. Setting `value`
/// makes a new leaf. Not safe to mutate from several threads at once.
public final class Parameter: @unchecked Sendable {
    /// True for weights the optimiser updates (stored as gradient-requiring leaves); false for
    /// buffers such as running statistics.
    public let isTrainable: Bool
    private var stored: Tensor

    /// Stores a detached copy of `value` (a new autodiff leaf when `trainable`), so the parameter
    /// never stays linked to the graph that produced `value`.
    public init(_ value: Tensor, trainable: Bool = true) {
        isTrainable = trainable
        stored = trainable ? value.detached.requiringGrad() : value.detached
    }

    /// The current tensor. Setting it detaches `newValue` from its graph (and makes it a
    /// gradient-requiring leaf when trainable); the shape may change, nothing checks it.
    public var value: Tensor {
        get { stored }
        set { stored = isTrainable ? newValue.detached.requiringGrad() : newValue.detached }
    }

    /// Shape of the current `value`.
    public var shape: [Int] { stored.shape }
}

/// Something that holds named parameters, addressed by dotted paths ("0.weight").
public protocol ParameterContainer: AnyObject {
    /// Every parameter and buffer, in a fixed order, with dotted names.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

extension ParameterContainer {
    /// The trainable parameters, in `namedParameters` order.
    public var trainableParameters: [Parameter] { namedParameters.map(\.parameter).filter(\.isTrainable) }

    /// Name → value of every parameter and buffer (for saving).
    public var state: [String: Tensor] {
        Dictionary(namedParameters.map { ($0.name, $0.parameter.value.detached) }, uniquingKeysWith: { a, _ in a })
    }

    /// Sets every parameter from `state`. Throws, changing nothing, when a name is missing or a
    /// shape differs; names in `state` that the model does not have are ignored when
    /// `allowingExtra` (else an error).
    public func load(_ state: [String: Tensor], source: String = "<memory>", allowingExtra: Bool = false) throws {
        let named = namedParameters
        var problems: [InputError] = []
        for (name, parameter) in named {
            guard let value = state[name] else {
                problems.append(InputError(file: source, path: name, message: "missing tensor")); continue
            }
            if value.shape != parameter.shape {
                problems.append(InputError(file: source, path: name,
                                           message: "shape \(value.shape) differs from expected \(parameter.shape)"))
            }
        }
        if !allowingExtra {
            let known = Set(named.map(\.name))
            for name in state.keys.sorted() where !known.contains(name) {
                problems.append(InputError(file: source, path: name, message: "unexpected tensor"))
            }
        }
        if problems.count == 1 { throw problems[0] }
        if !problems.isEmpty { throw InputErrors(problems) }
        for (name, parameter) in named { parameter.value = state[name]! }
    }

    /// Gradients of `loss` for the trainable parameters, in `trainableParameters` order.
    public func gradients(of loss: Tensor) -> [Tensor] {
        Tensor.gradientsOf(loss, wrt: trainableParameters.map(\.value))
    }
}

extension Tensor {
    /// Shim so methods named `gradients` can call the free function.
    static func gradientsOf(_ loss: Tensor, wrt: [Tensor]) -> [Tensor] { gradients(of: loss, wrt: wrt) }
}

/// Prefixes every name of `child` with `prefix` + ".".
func prefixed(_ prefix: String, _ child: [(name: String, parameter: Parameter)]) -> [(name: String, parameter: Parameter)] {
    child.map { (prefix + "." + $0.name, $0.parameter) }
}
import Diagnostics
