import Foundation
import Tensor

/// A differentiable function with parameters. `isTraining` switches batch norm and dropout.
public protocol Layer: ParameterContainer {
    func callAsFunction(_ x: Tensor) -> Tensor
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
    public let weight: Parameter
    public let bias: Parameter?
    public var isTraining = true

    public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        weight = Parameter(kaimingUniform([outputs, inputs], fanIn: inputs, rng: &rng))
        self.bias = bias ? Parameter(kaimingUniform([outputs], fanIn: inputs, rng: &rng)) : nil
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = x.matmul(weight.value, transposeB: true)
        return bias.map { y + $0.value } ?? y
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// 2-d convolution layer: weight [out, in/groups, k, k], optional bias [out].
public final class Conv2d: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: (Int, Int)
    public let padding: Padding
    public let groups: Int
    public var isTraining = true

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

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, groups: groups)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// Depthwise convolution: one k×k filter per channel (weight [C, 1, k, k]).
public final class DepthwiseConv2d: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: (Int, Int)
    public let padding: Padding
    public var isTraining = true

    public init(channels: Int, kernel: Int, stride: Int = 1, padding: Padding = .same, bias: Bool = true, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        weight = Parameter(kaimingUniform([channels, 1, kernel, kernel], fanIn: kernel * kernel, rng: &rng))
        self.bias = bias ? Parameter(kaimingUniform([channels], fanIn: kernel * kernel, rng: &rng)) : nil
        self.stride = (stride, stride)
        self.padding = padding
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.depthwiseConv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// Batch norm over channels of [N, C, H, W] (PyTorch naming: weight, bias, running_mean,
/// running_var). Training: batch statistics, running statistics updated with `momentum`.
/// Inference: running statistics.
public final class BatchNorm2d: Layer {
    public let weight, bias, runningMean, runningVar: Parameter
    public let epsilon: Float
    public let momentum: Float
    public var isTraining = true

    public init(_ channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        weight = Parameter(.ones([channels]))
        bias = Parameter(.zeros([channels]))
        runningMean = Parameter(.zeros([channels]), trainable: false)
        runningVar = Parameter(.ones([channels]), trainable: false)
        self.epsilon = epsilon
        self.momentum = momentum
    }

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

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)]
    }
}

/// A parameter-free layer from a function (activations, pooling, flatten).
public final class Function: Layer {
    let body: (Tensor) -> Tensor
    public var isTraining = true
    public init(_ body: @escaping (Tensor) -> Tensor) { self.body = body }
    public func callAsFunction(_ x: Tensor) -> Tensor { body(x) }
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public static var relu: Function { Function { $0.relu() } }
    /// [N, ...] → [N, rest].
    public static var flatten: Function { Function { $0.reshaped([$0.shape[0], -1]) } }
}

/// Layers applied in order; parameter names are prefixed with the layer index ("0.weight").
public final class Sequential: Layer {
    public let layers: [any Layer]
    public init(_ layers: [any Layer]) { self.layers = layers }

    public var isTraining: Bool {
        get { layers.first?.isTraining ?? true }
        set { for layer in layers { layer.isTraining = newValue } }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        layers.enumerated().flatMap { prefixed(String($0.offset), $0.element.namedParameters) }
    }
}
