import Foundation
import Diagnostics
import Tensor

/// An optimiser updates a fixed list of trainable parameters from gradients given in the same
/// order. `learningRate` may be changed between steps (see `StepLR`).
public protocol Optimizer: AnyObject {
    /// The parameters updated by `step`, in the order gradients must be given.
    var parameters: [Parameter] { get }
    /// Step size multiplying every update; read at each `step`.
    var learningRate: Float { get set }
    /// One update. - Precondition: one gradient per parameter, same shapes.
    func step(_ gradients: [Tensor])
}

extension Optimizer {
    func checkGradients(_ gradients: [Tensor], op: String) {
        precondition(gradients.count == parameters.count,
                     "\(op): \(gradients.count) gradients for \(parameters.count) parameters")
        for (g, p) in zip(gradients, parameters) {
            precondition(g.shape == p.shape, "\(op): gradient shape \(g.shape) differs from parameter shape \(p.shape)")
        }
    }

    /// Applies `update(index, parameterData, gradientData)` in place on each parameter's data.
    func updateEach(_ gradients: [Tensor], _ update: (Int, UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>) -> Void) {
        for (i, (parameter, gradient)) in zip(parameters, gradients).enumerated() {
            var data = parameter.value.data
            data.withUnsafeMutableBufferPointer { p in gradient.data.withUnsafeBufferPointer { g in update(i, p, g) } }
            parameter.value = Tensor(shape: parameter.shape, data: data)
        }
    }
}

/// SGD with optional momentum (PyTorch form: v ← μv + g; p ← p − lr·v) and L2 weight decay
/// (added to the gradient).
public final class SGD: Optimizer {
    /// Conforms to `Optimizer.parameters`: the parameters updated, fixed at creation.
    public let parameters: [Parameter]
    /// Conforms to `Optimizer.learningRate`: lr in p ← p − lr·v.
    public var learningRate: Float
    /// Momentum μ in [0, 1); 0 gives plain SGD (no velocity used).
    public let momentum: Float
    /// L2 coefficient: `weightDecay · p` is added to each gradient before the update.
    public let weightDecay: Float
    var velocity: [[Float]]

    /// An optimiser for `parameters` with zero initial velocity. Values are not validated.
    public init(_ parameters: [Parameter], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocity = parameters.map { [Float](repeating: 0, count: shapeCount($0.shape)) }
    }

    /// Conforms to `Optimizer.step`: one SGD update of every parameter in place.
    /// Traps when the gradient count or a gradient's shape differs from the parameters'.
    public func step(_ gradients: [Tensor]) {
        checkGradients(gradients, op: "SGD.step")
        let (lr, mu, wd) = (learningRate, momentum, weightDecay)
        updateEach(gradients) { i, p, g in
            velocity[i].withUnsafeMutableBufferPointer { v in
                for k in 0..<p.count {
                    let d = g[k] + wd * p[k]
                    v[k] = mu * v[k] + d
                    p[k] -= lr * (mu == 0 ? d : v[k])
                }
            }
        }
    }
}

/// Adam (Kingma & Ba) with bias correction. `decoupledWeightDecay` false: L2 added to the
/// gradient (Adam); true: p ← p − lr·wd·p applied separately (AdamW).
public final class Adam: Optimizer {
    /// Conforms to `Optimizer.parameters`: the parameters updated, fixed at creation.
    public let parameters: [Parameter]
    /// Conforms to `Optimizer.learningRate`: α in Kingma & Ba's update.
    public var learningRate: Float
    /// Decay rates of the first- and second-moment averages (β₁, β₂), the ε added to √v̂ in the
    /// denominator, and the weight-decay coefficient (meaning set by `decoupledWeightDecay`).
    public let beta1, beta2, epsilon, weightDecay: Float
    /// False: weight decay is an L2 term added to the gradient (Adam). True: parameters shrink by
    /// lr·wd·p before the Adam update (AdamW, Loshchilov & Hutter).
    public let decoupledWeightDecay: Bool
    var m: [[Float]], v: [[Float]]
    /// Number of `step` calls so far; the bias corrections use 1 − β^stepCount.
    public private(set) var stepCount = 0

    /// An optimiser for `parameters` with zeroed moment estimates. Defaults are those of the
    /// Adam paper (and PyTorch). Values are not validated.
    public init(_ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        (self.beta1, self.beta2, self.epsilon, self.weightDecay) = (beta1, beta2, epsilon, weightDecay)
        self.decoupledWeightDecay = decoupledWeightDecay
        m = parameters.map { [Float](repeating: 0, count: shapeCount($0.shape)) }
        v = m
    }

    /// AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch).
    public static func adamW(_ parameters: [Parameter], learningRate: Float = 1e-3, weightDecay: Float = 0.01) -> Adam {
        Adam(parameters, learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    /// Conforms to `Optimizer.step`: one bias-corrected Adam update of every parameter in place
    /// (Kingma & Ba 2015, Algorithm 1). Traps when the gradient count or a shape differs.
    public func step(_ gradients: [Tensor]) {
        checkGradients(gradients, op: "Adam.step")
        stepCount += 1
        let (lr, b1, b2, eps, wd) = (learningRate, beta1, beta2, epsilon, weightDecay)
        let c1 = 1 - Float(Foundation.pow(Double(b1), Double(stepCount)))
        let c2 = 1 - Float(Foundation.pow(Double(b2), Double(stepCount)))
        let decoupled = decoupledWeightDecay
        updateEach(gradients) { i, p, g in
            m[i].withUnsafeMutableBufferPointer { mi in v[i].withUnsafeMutableBufferPointer { vi in
                for k in 0..<p.count {
                    var d = g[k]
                    if decoupled { p[k] -= lr * wd * p[k] } else { d += wd * p[k] }
                    mi[k] = b1 * mi[k] + (1 - b1) * d
                    vi[k] = b2 * vi[k] + (1 - b2) * d * d
                    p[k] -= lr * (mi[k] / c1) / ((vi[k] / c2).squareRoot() + eps)
                }
            } }
        }
    }
}

/// Step learning-rate schedule: base · gamma^(⌊epoch / stepSize⌋).
public struct StepLR: Sendable {
    /// Learning rate at epoch 0; number of epochs between decays (must stay positive: `rate`
    /// divides by it); factor applied at each decay.
    public var base: Float, stepSize: Int, gamma: Float
    /// A schedule starting at `base`, multiplied by `gamma` every `stepSize` epochs.
    /// - Precondition: `stepSize > 0` (traps otherwise).
    public init(base: Float, stepSize: Int, gamma: Float = 0.1) {
        precondition(stepSize > 0, "StepLR: step size \(stepSize) must be positive")
        (self.base, self.stepSize, self.gamma) = (base, stepSize, gamma)
    }
    /// Learning rate for 0-based `epoch` (for a negative epoch the exponent truncates toward 0).
    public func rate(epoch: Int) -> Float { base * Foundation.pow(gamma, Float(epoch / stepSize)) }
}

/// Scales `gradients` so their global L2 norm is at most `maxNorm`; returns the clipped
/// gradients and the norm before clipping. A NaN or infinite norm returns the gradients
/// unchanged (the caller should skip the step).
public func clipGradientNorm(_ gradients: [Tensor], maxNorm: Float) -> (gradients: [Tensor], norm: Float) {
    var total: Double = 0
    for g in gradients { for x in g.data { total += Double(x) * Double(x) } }
    let norm = Float(total.squareRoot())
    guard norm.isFinite, norm > maxNorm, norm > 0 else { return (gradients, norm) }
    let scale = maxNorm / norm
    return (withoutGradients { gradients.map { $0.detached * scale } }, norm)
}

/// Everything an `Adam` optimiser carries between steps, so training can stop and continue
/// bit for bit: the step count (bias correction) and the first and second moment estimates,
/// one array per parameter in the optimiser's parameter order, each the parameter's element
/// count long.
public struct AdamState: Sendable, Equatable {
    /// Steps taken so far (t in the bias corrections 1 − β₁ᵗ, 1 − β₂ᵗ); 0 before the first.
    public var stepCount: Int
    /// First-moment (mean of gradients) estimates, per parameter.
    public var m: [[Float]]
    /// Second-moment (mean of squared gradients) estimates, per parameter.
    public var v: [[Float]]

    /// A state as `Adam.state` returns it (or as read back from a checkpoint).
    public init(stepCount: Int, m: [[Float]], v: [[Float]]) {
        self.stepCount = stepCount
        self.m = m
        self.v = v
    }
}

extension Adam {
    /// A copy of the optimiser's state (see `AdamState`).
    public var savedState: AdamState { AdamState(stepCount: stepCount, m: m, v: v) }

    /// Replaces the optimiser's state with `state`. Throws `InputError` (naming `source`),
    /// changing nothing, when the step count is negative or the moment arrays do not match the
    /// parameters' count and sizes.
    public func restore(_ state: AdamState, source: String = "<memory>") throws {
        guard state.stepCount >= 0 else {
            throw InputError(file: source, path: "optimizer", message: "negative step count \(state.stepCount)")
        }
        let sizes = parameters.map { shapeCount($0.shape) }
        guard state.m.map(\.count) == sizes, state.v.map(\.count) == sizes else {
            throw InputError(file: source, path: "optimizer",
                             message: "optimiser state for \(state.m.count) tensors does not fit the \(sizes.count) parameters being trained")
        }
        stepCount = state.stepCount
        m = state.m
        v = state.v
    }
}
