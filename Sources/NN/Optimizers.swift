import Foundation
import Diagnostics
import Tensor

/// An optimiser updates a fixed list of trainable parameters from gradients given in the same
/// order. `learningRate` may be changed between steps (see `StepLR`).
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
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
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    var velocity: [[Float]]

    public init(_ parameters: [Parameter], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocity = parameters.map { [Float](repeating: 0, count: shapeCount($0.shape)) }
    }

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
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1, beta2, epsilon, weightDecay: Float
    public let decoupledWeightDecay: Bool
    var m: [[Float]], v: [[Float]]
    public private(set) var stepCount = 0

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
    public var base: Float, stepSize: Int, gamma: Float
    public init(base: Float, stepSize: Int, gamma: Float = 0.1) {
        precondition(stepSize > 0, "StepLR: step size \(stepSize) must be positive")
        (self.base, self.stepSize, self.gamma) = (base, stepSize, gamma)
    }
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
    public var stepCount: Int
    public var m: [[Float]]
    public var v: [[Float]]

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
