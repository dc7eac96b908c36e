import NN
import Tensor

/// The detection task network: a small single-stage, anchor-free detector after CenterNet
/// ("Objects as Points", Zhou et al. 2019). `[N, C, H, W]` → `[N, K + 4, H/4, W/4]` on a map of
/// stride 4: channels `0..<K` are per-class centre-heatmap logits, `K, K+1` the centre's
/// sub-cell offset (x, y; cells), `K+2, K+3` the log of the box width and height in cells.
/// H and W must be multiples of 16.
///
/// Backbone, with width `w` (16 by default): a 3×3 stride-2 conv (w), max-pool → stride 4: 3×3
/// convs (2w, 3w); max-pool → stride 8: conv (4w); max-pool → stride 16: conv (4w); then up
/// (bilinear ×2) and concatenated with the stride-8 features, conv (4w); up and concatenated with
/// the stride-4 features, conv (3w); head: 3×3 conv (2w), 1×1 conv to K + 4. Batch norm and
/// ReLU after every conv but the last (batch statistics while `isTraining`, running ones
/// otherwise: without normalisation the detector was far from converged after the driving
/// experiment's 5 epochs, and its AP varied 0.2–17.7 % between training runs on the same
/// data). The heatmap biases start at −2.19 (sigmoid 0.1, CenterNet's initialisation).
public final class CenterNetDetector: Layer {
    /// Output map stride, px.
    public static let stride = 4
    /// Number of classes K.
    public let classes: Int
    let stem, conv4a, conv4b, conv8, conv16, up8, up4, head1, head2: Conv2d
    /// The batch norm after each conv but `head2`: stem, conv4a, conv4b, conv8, conv16, up8, up4, head1.
    let norms: [BatchNorm2d]
    /// True: batch norm uses and updates batch statistics (training); false: the running ones.
    public var isTraining = true {
        didSet { for norm in norms { norm.isTraining = isTraining } }
    }

    /// A detector for `channels`-channel images and `classes` classes, `width` channels after the
    /// stem, weights seeded from `seed`.
    public init(channels: Int, classes: Int, seed: UInt64, width w: Int = 16) {
        func conv(_ i: Int, _ o: Int, _ k: Int, _ s: UInt64, stride: Int = 1) -> Conv2d {
            Conv2d(i, o, kernel: k, stride: stride, padding: .same, seed: seed &+ s)
        }
        self.classes = classes
        stem = conv(channels, w, 3, 0, stride: 2)
        conv4a = conv(w, 2 * w, 3, 1); conv4b = conv(2 * w, 3 * w, 3, 2)
        conv8 = conv(3 * w, 4 * w, 3, 3)
        conv16 = conv(4 * w, 4 * w, 3, 4)
        up8 = conv(8 * w, 4 * w, 3, 5)
        up4 = conv(4 * w + 3 * w, 3 * w, 3, 6)
        head1 = conv(3 * w, 2 * w, 3, 7)
        head2 = conv(2 * w, classes + 4, 1, 8)
        norms = [w, 2 * w, 3 * w, 4 * w, 4 * w, 4 * w, 3 * w, 2 * w].map { BatchNorm2d($0) }
        if let bias = head2.bias {
            var b = bias.value.data
            for k in 0..<classes { b[k] = -2.19 }
            bias.value = Tensor(shape: bias.value.shape, data: b)
        }
    }

    /// `x`: `[N, channels, H, W]` → `[N, K + 4, H/4, W/4]` (see the type). Precondition: H and W
    /// multiples of 16.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        precondition(h % 16 == 0 && w % 16 == 0, "CenterNetDetector: image \(h)×\(w) is not a multiple of 16")
        func block(_ conv: Conv2d, _ i: Int, _ input: Tensor) -> Tensor { norms[i](conv(input)).relu() }
        let s4 = block(conv4b, 2, block(conv4a, 1, block(stem, 0, x).maxPool2d(kernel: (2, 2))))
        let s8 = block(conv8, 3, s4.maxPool2d(kernel: (2, 2)))
        let s16 = block(conv16, 4, s8.maxPool2d(kernel: (2, 2)))
        let u8 = block(up8, 5, Tensor.concat([s16.resizedBilinear(height: h / 8, width: w / 8), s8], axis: 1))
        let u4 = block(up4, 6, Tensor.concat([u8.resizedBilinear(height: h / 4, width: w / 4), s4], axis: 1))
        return head2(block(head1, 7, u4))
    }

    /// Every convolution's parameters, named `LAYER.NAME` (`stem.weight`…), then each batch
    /// norm's (`stem_norm.weight`, … `running_var`), in a fixed order.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        let names = ["stem", "conv4a", "conv4b", "conv8", "conv16", "up8", "up4", "head1", "head2"]
        let convs = zip(names, [stem, conv4a, conv4b, conv8, conv16, up8, up4, head1, head2]).flatMap { name, layer in
            layer.namedParameters.map { ("\(name).\($0.name)", $0.parameter) }
        }
        return convs + zip(names, norms).flatMap { name, norm in norm.namedParameters.map { ("\(name)_norm.\($0.name)", $0.parameter) } }
    }
}
