import Foundation

/// One node of a dynamic autodiff graph: the value's shape, the nodes of the inputs it was
/// computed from, and a closure mapping the gradient of the value to gradients of the inputs.
///
/// Graphs are built per computation (no global tape), so independent computations on different
/// threads never share mutable state. Nodes are immutable after creation.
public final class GradNode: @unchecked Sendable {
    let shape: [Int]
    /// One entry per input of the op; nil for inputs that need no gradient.
    let parents: [GradNode?]
    /// Given the gradient of this value, returns one gradient per parent (nil where not needed).
    /// Nil for leaves.
    let backward: ((Tensor) -> [Tensor?])?

    init(shape: [Int], parents: [GradNode?], backward: ((Tensor) -> [Tensor?])?) {
        self.shape = shape
        self.parents = parents
        self.backward = backward
    }
}

/// Controls whether operations record autodiff history.
public enum GradientMode {
    @TaskLocal static var isRecording = true

    /// Whether operations on the current thread/task record history.
    public static var isEnabled: Bool { isRecording }

    /// Runs `body` without recording any autodiff history (inference, optimiser updates).
    /// The flag is task-local (thread-local outside Swift concurrency), so other threads are
    /// not affected.
    public static func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
        try $isRecording.withValue(false) { try body() }
    }
}

/// Runs `body` without recording autodiff history. See `GradientMode.withoutGradients`.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.withoutGradients(body)
}

extension Tensor {
    /// Whether gradients can flow to this value (it is a leaf that requires a gradient, or was
    /// computed from one).
    public var requiresGrad: Bool { node != nil }

    /// The same values as a new leaf of the autodiff graph that requires a gradient.
    /// Each call makes a distinct leaf: ask for gradients with the tensor this returns.
    public func requiringGrad() -> Tensor {
        Tensor(uncheckedShape: shape, data: data, node: GradNode(shape: shape, parents: [], backward: nil))
    }

    /// Wraps the result of an op: attaches a graph node when recording is on and some input
    /// carries one. `backward(g, needs)` receives the output gradient and which inputs need a
    /// gradient, and returns one gradient (or nil) per input, each with that input's shape.
    static func record(_ shape: [Int], _ data: [Float], inputs: [Tensor],
                       backward: @escaping (Tensor, [Bool]) -> [Tensor?]) -> Tensor {
        guard GradientMode.isRecording, inputs.contains(where: { $0.node != nil }) else {
            return Tensor(uncheckedShape: shape, data: data)
        }
        let parents = inputs.map(\.node)
        let needs = parents.map { $0 != nil }
        let node = GradNode(shape: shape, parents: parents, backward: { g in backward(g, needs) })
        return Tensor(uncheckedShape: shape, data: data, node: node)
    }

    /// A custom differentiable op: `output` was computed from `inputs` outside the engine
    /// (for example by a renderer), and `vjp` maps the gradient of `output` to one gradient per
    /// input (same shapes as the inputs). `vjp` runs with recording off.
    ///
    /// - Precondition: `vjp` returns `inputs.count` tensors with the inputs' shapes (checked
    ///   when the backward pass runs).
    public static func custom(inputs: [Tensor], output: Tensor,
                              vjp: @escaping (Tensor) -> [Tensor]) -> Tensor {
        let shapes = inputs.map(\.shape)
        return record(output.shape, output.data, inputs: inputs) { g, _ in
            let grads = vjp(g)
            precondition(grads.count == shapes.count,
                         "Tensor.custom: vjp returned \(grads.count) gradients for \(shapes.count) inputs")
            for (grad, shape) in zip(grads, shapes) {
                precondition(grad.shape == shape,
                             "Tensor.custom: vjp gradient shape \(grad.shape) differs from input shape \(shape)")
            }
            return grads
        }
    }
}

/// Gradients of the sum of `loss`'s elements (usually a scalar) with respect to each tensor of
/// `wrt`, in order. A tensor that `loss` does not depend on (or that carries no graph node) gets
/// a zero gradient of its shape. The backward pass runs with recording off.
public func gradients(of loss: Tensor, wrt targets: [Tensor]) -> [Tensor] {
    gradients(of: loss, seed: Tensor(repeating: 1, shape: loss.shape), wrt: targets)
}

/// Vector-Jacobian product: gradients of `sum(loss * seed)` with respect to `wrt`.
/// - Precondition: `seed.shape == loss.shape`.
public func gradients(of loss: Tensor, seed: Tensor, wrt targets: [Tensor]) -> [Tensor] {
    precondition(seed.shape == loss.shape, "gradients: seed shape \(seed.shape) differs from loss shape \(loss.shape)")
    guard let root = loss.node else { return targets.map { Tensor.zeros($0.shape) } }
    let wanted = Set(targets.compactMap { $0.node.map(ObjectIdentifier.init) })
    // Topological order by iterative depth-first search.
    var order: [GradNode] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(GradNode, Int)] = [(root, 0)]
    visited.insert(ObjectIdentifier(root))
    while let (node, next) = stack.popLast() {
        if next < node.parents.count {
            stack.append((node, next + 1))
            if let parent = node.parents[next], !visited.contains(ObjectIdentifier(parent)) {
                visited.insert(ObjectIdentifier(parent))
                stack.append((parent, 0))
            }
        } else {
            order.append(node)
        }
    }
    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed.detached]
    withoutGradients {
        for node in order.reversed() {
            let id = ObjectIdentifier(node)
            guard let backward = node.backward, let g = grads[id] else { continue }
            if !wanted.contains(id) { grads[id] = nil }  // free memory early
            let parentGrads = backward(g)
            for (parent, pg) in zip(node.parents, parentGrads) {
                guard let parent, let pg else { continue }
                let pid = ObjectIdentifier(parent)
                if let existing = grads[pid] { grads[pid] = existing.adding(pg) } else { grads[pid] = pg }
            }
        }
    }
    return targets.map { t in
        guard let n = t.node, let g = grads[ObjectIdentifier(n)] else { return Tensor.zeros(t.shape) }
        return g
    }
}

extension Tensor {
    /// Elementwise sum of two same-shape tensors without recording (gradient accumulation).
    func adding(_ other: Tensor) -> Tensor {
        precondition(shape == other.shape, "gradient accumulation: shapes \(shape) and \(other.shape) differ")
        var out = data
        out.withUnsafeMutableBufferPointer { o in
            other.data.withUnsafeBufferPointer { b in
                for i in 0..<o.count { o[i] += b[i] }
            }
        }
        return Tensor(uncheckedShape: shape, data: out)
    }
}
