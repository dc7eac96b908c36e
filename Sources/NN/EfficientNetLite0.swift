import Diagnostics
import Foundation
import Tensor

/// EfficientNet-Lite0 (ImageNet-pretrained) as a frozen feature network.
///
/// Architecture (see README.md): stem 3×3/2 conv → 32, BN, ReLU6; 16 inverted-residual blocks
/// in 7 groups; head 1×1 conv → 1280, BN, ReLU6; global average pool; fully connected → 1000.
/// TensorFlow SAME padding everywhere, BN ε = 1e-3. Batch norm is folded into the preceding
/// convolution at load time (inference mode), so every conv carries a bias.
///
/// Weights are constants (no gradient); gradients flow to the input, so a loss on the features
/// can be differentiated down to the pixels. Thread-safe: the model is immutable after loading.
public final class EfficientNetLite0: @unchecked Sendable {
    /// A selectable output. `head` is the 1280-channel map before pooling, `pooled` its global
    /// average [N, 1280], `logits` the ImageNet class scores [N, 1000].
    public enum Stage: String, CaseIterable, Comparable, Sendable {
        /// In network order, with output channels and spatial size for an H×W input (SAME padding,
        /// so sizes round up): stem 32 @ H/2; group1 16 @ H/2; group2 24 @ H/4; group3 40 @ H/8;
        /// group4 80 @ H/16; group5 112 @ H/16; group6 192 @ H/32; group7 320 @ H/32;
        /// head 1280 @ H/32; pooled [N, 1280]; logits [N, 1000].
        case stem, group1, group2, group3, group4, group5, group6, group7, head, pooled, logits
        var order: Int { Stage.allCases.firstIndex(of: self)! }
        /// Orders stages by depth in the network (declaration order: `stem` first, `logits` last).
        public static func < (a: Stage, b: Stage) -> Bool { a.order < b.order }
    }

    struct ConvBN {
        var weight: Tensor
        var bias: Tensor
        var stride: Int
        var depthwise: Bool
        func callAsFunction(_ x: Tensor) -> Tensor {
            depthwise
                ? x.depthwiseConv2d(weight: weight, bias: bias, stride: (stride, stride), padding: .same)
                : x.conv2d(weight: weight, bias: bias, stride: (stride, stride), padding: .same)
        }
    }

    struct Block {
        var expand: ConvBN?
        var depthwise: ConvBN
        var project: ConvBN
        var residual: Bool
        func callAsFunction(_ x: Tensor) -> Tensor {
            var h = x
            if let expand { h = expand(h).relu6() }
            h = project(depthwise(h).relu6())
            return residual ? h + x : h
        }
    }

    /// (repeats, kernel, first stride, expansion, in, out) per group.
    static let groups: [(Int, Int, Int, Int, Int, Int)] = [
        (1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
        (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320),
    ]
    /// ε added to the variance in every batch norm of the pretrained model (TensorFlow's value,
    /// not PyTorch's 1e-5); used when folding BN into the convolutions.
    public static let batchNormEpsilon: Float = 1e-3

    let stem: ConvBN
    /// The stem with its weights summed over the 3 input channels: a grey image repeated 3
    /// times gives exactly the same result (padding is zero in every channel).
    let stemGrey: ConvBN
    let blocks: [[Block]]
    let head: ConvBN
    let fcWeight: Tensor, fcBias: Tensor

    /// Loads the weights (PyTorch state-dict names, see README.md) from a safetensors file.
    /// - Throws: `InputError` for a missing, truncated or malformed file, or a missing tensor or
    ///   a tensor of the wrong shape (named in the error).
    public init(weightsAt path: String) throws {
        let file = try SafetensorsFile(path: path)
        func load(_ name: String, _ shape: [Int]) throws -> Tensor {
            let t = try file.tensor(name)
            guard t.shape == shape else {
                throw InputError(file: path, path: name, message: "shape \(t.shape) differs from expected \(shape)")
            }
            return t
        }
        func convBN(_ conv: String, _ bn: String, out: Int, inPerGroup: Int, kernel: Int, stride: Int, depthwise: Bool) throws -> ConvBN {
            let w = try load(conv + ".weight", [out, inPerGroup, kernel, kernel])
            let gamma = try load(bn + ".weight", [out]), beta = try load(bn + ".bias", [out])
            let mean = try load(bn + ".running_mean", [out]), variance = try load(bn + ".running_var", [out])
            let scale = gamma / (variance + Self.batchNormEpsilon).sqrt()
            return ConvBN(weight: w * scale.reshaped([out, 1, 1, 1]), bias: beta - mean * scale,
                          stride: stride, depthwise: depthwise)
        }
        stem = try convBN("_conv_stem", "_bn0", out: 32, inPerGroup: 3, kernel: 3, stride: 2, depthwise: false)
        stemGrey = ConvBN(weight: stem.weight.sum(axes: [1], keepDims: true), bias: stem.bias, stride: 2, depthwise: false)
        var index = 0
        var groups: [[Block]] = []
        for (repeats, kernel, firstStride, expansion, inputs, outputs) in Self.groups {
            var group: [Block] = []
            for r in 0..<repeats {
                let prefix = "_blocks.\(index)."
                let cin = r == 0 ? inputs : outputs, stride = r == 0 ? firstStride : 1
                let hidden = cin * expansion
                let expand = expansion == 1 ? nil : try convBN(prefix + "_expand_conv", prefix + "_bn0", out: hidden,
                                                               inPerGroup: cin, kernel: 1, stride: 1, depthwise: false)
                let dw = try convBN(prefix + "_depthwise_conv", prefix + "_bn1", out: hidden, inPerGroup: 1,
                                    kernel: kernel, stride: stride, depthwise: true)
                let project = try convBN(prefix + "_project_conv", prefix + "_bn2", out: outputs, inPerGroup: hidden,
                                         kernel: 1, stride: 1, depthwise: false)
                group.append(Block(expand: expand, depthwise: dw, project: project, residual: stride == 1 && cin == outputs))
                index += 1
            }
            groups.append(group)
        }
        blocks = groups
        head = try convBN("_conv_head", "_bn1", out: 1280, inPerGroup: 320, kernel: 1, stride: 1, depthwise: false)
        fcWeight = try load("_fc.weight", [1000, 1280])
        fcBias = try load("_fc.bias", [1000])
    }

    /// Runs the network on already-normalised RGB input [N, 3, H, W] ((pixel − 127) / 128) and
    /// returns the requested stages; computation stops after the deepest one.
    /// - Precondition: shape [N, 3, H, W] with H, W ≥ 1; `stages` not empty.
    public func features(normalized x: Tensor, stages: Set<Stage>) -> [Stage: Tensor] {
        precondition(x.rank == 4 && x.shape[1] == 3, "EfficientNetLite0: input shape \(x.shape) is not [N, 3, H, W]")
        return run(stem(x), stages: stages)
    }

    /// Runs the network on pixel values in 0…255, [N, 1, H, W] (grey, treated as the channel
    /// repeated 3 times) or [N, 3, H, W] (RGB), normalising as (p − 127) / 128 first.
    public func features(pixels x: Tensor, stages: Set<Stage>) -> [Stage: Tensor] {
        precondition(x.rank == 4 && (x.shape[1] == 1 || x.shape[1] == 3),
                     "EfficientNetLite0: pixel input shape \(x.shape) is not [N, 1 or 3, H, W]")
        let normalized = (x - 127) * (1 / 128)
        return run(x.shape[1] == 1 ? stemGrey(normalized) : stem(normalized), stages: stages)
    }

    func run(_ stemOut: Tensor, stages: Set<Stage>) -> [Stage: Tensor] {
        precondition(!stages.isEmpty, "EfficientNetLite0: no stage requested")
        let last = stages.max()!
        var out: [Stage: Tensor] = [:]
        var h = stemOut.relu6()
        if stages.contains(.stem) { out[.stem] = h }
        for (g, group) in blocks.enumerated() {
            let stage = Stage.allCases[g + 1]
            if stage > last { return out }
            for block in group { h = block(h) }
            if stages.contains(stage) { out[stage] = h }
        }
        if last < .head { return out }
        h = head(h).relu6()
        if stages.contains(.head) { out[.head] = h }
        if last < .pooled { return out }
        let pooled = h.globalAvgPool2d()
        if stages.contains(.pooled) { out[.pooled] = pooled }
        if stages.contains(.logits) { out[.logits] = pooled.matmul(fcWeight, transposeB: true) + fcBias }
        return out
    }
}
