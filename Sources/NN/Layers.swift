import Foundation
import Tensor

/// A differentiable function with parameters. `isTraining` switches batch norm and dropout.
public protocol Layer: ParameterContainer {
    /// Runs the layer forward on `x`, recording the operations for autodiff; the accepted
    /// shapes depend on the layer and violations trap.
    func callAsFunction(_ x: Tensor) -> Tensor
    /// Training (true, the default for every layer here) or inference behaviour.
    var isTraining: Bool { get set }
}

/// Kaiming-uniform initial weights (PyTorch's default for Linear and Conv2d): U(−b, b) with
/// b = 1/sqrt(fanIn) · sqrt(3)·sqrt(2/(1+5)) = 1/sqrt(fanIn).
func kaimingUniform(_ shape: [Int], fanIn: Int, rng: inout SplitMix64) -> Tensor {
    let bound = 1 / Float(max(fanIn, 1)).squareRoot()
    return Tensor.uniform(shape, lo: -bound, hi: bound, rng: &rng)
}

/// y = x · Wᵀ + b for x [N, in]; W [out, in] (PyTorch layout), b [out].
public final class Linear: Layer {
    /// Weight matrix [outputs, inputs], Kaiming-uniform initialised (bound 1/√inputs).
    public let weight: Parameter
    /// Bias [outputs], initialised like the weight; `nil` when built with `bias: false`.
    public let bias: Parameter?
    /// Conforms to `Layer.isTraining`; has no effect on this layer.
    public var isTraining = true

    /// A layer mapping `inputs` features to `outputs`; `seed` makes the initial values reproducible.
    public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        weight = Parameter(kaimingUniform([outputs, inputs], fanIn: inputs, rng: &rng))
        self.bias = bias ? Parameter(kaimingUniform([outputs], fanIn: inputs, rng: &rng)) : nil
    }

    /// Applies x·Wᵀ + b to x of shape [..., inputs] (rank ≥ 2; extra leading axes are batch axes),
    /// giving [..., outputs]. Traps when the last axis is not `inputs`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = x.matmul(weight.value, transposeB: true)
        return bias.map { y + $0.value } ?? y
    }

    /// `weight`, then `bias` if present, under the PyTorch names "weight" and "bias".
    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// 2-d convolution layer: weight [out, in/groups, k, k], optional bias [out].
public final class Conv2d: Layer {
    /// Filters [outputs, inputs/groups, kernel, kernel], Kaiming-uniform initialised
    /// (bound 1/√(inputs/groups · kernel²)).
    public let weight: Parameter
    /// Per-output-channel bias [outputs]; `nil` when built with `bias: false`.
    public let bias: Parameter?
    /// (vertical, horizontal) step of the window in pixels; both equal the `stride` given to `init`.
    public let stride: (Int, Int)
    /// How the input is zero-padded before the window slides over it.
    public let padding: Padding
    /// Number of channel groups: each output group sees only its slice of the input channels
    /// (1 = dense convolution).
    public let groups: Int
    /// Conforms to `Layer.isTraining`; has no effect on this layer.
    public var isTraining = true

    /// A square `kernel`×`kernel` convolution from `inputs` to `outputs` channels.
    /// - Precondition: `groups` divides both `inputs` and `outputs` (traps otherwise).
    public init(_ inputs: Int, _ outputs: Int, kernel: Int, stride: Int = 1, padding: Padding = .valid,
                groups: Int = 1, bias: Bool = true, seed: UInt64) {
        precondition(inputs % groups == 0 && outputs % groups == 0,
                     "Conv2d: \(inputs) inputs and \(outputs) outputs not divisible by \(groups) groups")
        var rng = SplitMix64(seed: seed)
        let fanIn = inputs / groups * kernel * kernel
        weight = Parameter(kaimingUniform([outputs, inputs / groups, kernel, kernel], fanIn: fanIn, rng: &rng))
        self.bias = bias ? Parameter(kaimingUniform([outputs], fanIn: fanIn, rng: &rng)) : nil
        self.stride = (stride, stride)
        self.padding = padding
        self.groups = groups
    }

    /// Convolves x [N, inputs, H, W] into [N, outputs, oh, ow] (see `Tensor.conv2d` for the
    /// output size and shape preconditions).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, groups: groups)
    }

    /// `weight`, then `bias` if present, under the PyTorch names "weight" and "bias".
    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// Depthwise convolution: one k×k filter per channel (weight [C, 1, k, k]).
public final class DepthwiseConv2d: Layer {
    /// Filters [channels, 1, kernel, kernel], Kaiming-uniform initialised (bound 1/kernel).
    public let weight: Parameter
    /// Per-channel bias [channels]; `nil` when built with `bias: false`.
    public let bias: Parameter?
    /// (vertical, horizontal) step of the window in pixels; both equal the `stride` given to `init`.
    public let stride: (Int, Int)
    /// How the input is zero-padded; defaults to TensorFlow-style `.same`, as in EfficientNet.
    public let padding: Padding
    /// Conforms to `Layer.isTraining`; has no effect on this layer.
    public var isTraining = true

    /// A depthwise `kernel`×`kernel` convolution over `channels` channels (input and output
    /// channel counts are equal).
    public init(channels: Int, kernel: Int, stride: Int = 1, padding: Padding = .same, bias: Bool = true, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        weight = Parameter(kaimingUniform([channels, 1, kernel, kernel], fanIn: kernel * kernel, rng: &rng))
        self.bias = bias ? Parameter(kaimingUniform([channels], fanIn: kernel * kernel, rng: &rng)) : nil
        self.stride = (stride, stride)
        self.padding = padding
    }

    /// Filters each channel of x [N, channels, H, W] separately, giving [N, channels, oh, ow].
    /// Traps when x is not rank 4 or its channel count differs from `channels`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.depthwiseConv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding)
    }

    /// `weight`, then `bias` if present, under the PyTorch names "weight" and "bias".
    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// Batch norm over channels of [N, C, H, W] (PyTorch naming: weight, bias, running_mean,
/// running_var). Training: batch statistics, running statistics updated with `momentum`.
/// Inference: running statistics.
public final class BatchNorm2d: Layer {
    /// Per-channel [C] scale γ (init 1) and shift β (init 0), both trainable, and the running mean
    /// (init 0) and unbiased running variance (init 1) used at inference, both non-trainable buffers.
    public let weight, bias, runningMean, runningVar: Parameter
    /// Added to the variance before the square root, to avoid dividing by zero.
    public let epsilon: Float
    /// Weight of the new batch statistic in the running average (PyTorch convention:
    /// running = (1 − momentum)·running + momentum·batch).
    public let momentum: Float
    /// True: normalise with batch statistics and update the running ones; false: use the
    /// running statistics and change nothing.
    public var isTraining = true

    /// A batch norm over `channels` channels with γ = 1, β = 0, running mean 0 and variance 1.
    public init(_ channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        weight = Parameter(.ones([channels]))
        bias = Parameter(.zeros([channels]))
        runningMean = Parameter(.zeros([channels]), trainable: false)
        runningVar = Parameter(.ones([channels]), trainable: false)
        self.epsilon = epsilon
        self.momentum = momentum
    }

    /// Normalises x [N, C, ...] (rank ≥ 2, C == `channels`, else traps) per channel. In training,
    /// the running variance is left unchanged when the batch variance is NaN (one value per
    /// channel, i.e. N·H·W == 1); the running mean is still updated.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard isTraining else {
            return x.batchNormInference(mean: runningMean.value, variance: runningVar.value,
                                        gamma: weight.value, beta: bias.value, epsilon: epsilon)
        }
        let (y, mean, variance) = x.batchNormTraining(gamma: weight.value, beta: bias.value, epsilon: epsilon)
        withoutGradients {
            runningMean.value = runningMean.value * (1 - momentum) + mean * momentum
            if !variance.data.contains(where: { $0.isNaN }) {
                runningVar.value = runningVar.value * (1 - momentum) + variance * momentum
            }
        }
        return y
    }

    /// "weight", "bias", "running_mean", "running_var" (PyTorch `BatchNorm2d` names and order).
    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)]
    }
}

/// A parameter-free layer from a function (activations, pooling, flatten).
public final class Function: Layer {
    let body: (Tensor) -> Tensor
    /// Conforms to `Layer.isTraining`; ignored (the wrapped function cannot see it).
    public var isTraining = true
    /// Wraps `body`, which must be differentiable through `Tensor` operations to train through it.
    public init(_ body: @escaping (Tensor) -> Tensor) { self.body = body }
    /// Returns `body(x)`.
    public func callAsFunction(_ x: Tensor) -> Tensor { body(x) }
    /// Always empty: a function layer owns no parameters.
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    /// Elementwise max(x, 0), any shape (see `Tensor.relu`).
    public static var relu: Function { Function { $0.relu() } }
    /// [N, ...] → [N, rest].
    public static var flatten: Function { Function { $0.reshaped([$0.shape[0], -1]) } }
}

/// Layers applied in order; parameter names are prefixed with the layer index ("0.weight").
public final class Sequential: Layer {
    /// The layers, applied first to last.
    public let layers: [any Layer]
    /// Chains `layers` in the given order; an empty list gives the identity.
    public init(_ layers: [any Layer]) { self.layers = layers }

    /// Reads the first layer's flag (true when empty); setting it sets every layer's flag.
    public var isTraining: Bool {
        get { layers.first?.isTraining ?? true }
        set { for layer in layers { layer.isTraining = newValue } }
    }

    /// Feeds x through every layer in order; returns x unchanged when there are no layers.
    public func callAsFunction(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }

    /// Every layer's parameters, in layer order, each prefixed with its index ("1.weight").
    public var namedParameters: [(name: String, parameter: Parameter)] {
        layers.enumerated().flatMap { prefixed(String($0.offset), $0.element.namedParameters) }
    }
}
