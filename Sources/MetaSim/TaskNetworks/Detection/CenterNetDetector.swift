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
/// the stride-4 features, conv (3w); head: 3×3 conv (2w), 1×1 conv to K + 4. ReLU after every conv but the last. The
/// heatmap biases start at −2.19 (sigmoid 0.1, CenterNet's initialisation).
public final class CenterNetDetector: Layer {
    /// Output map stride, px.
    public static let stride = 4
    /// Number of classes K.
    public let classes: Int
    let stem, conv4a, conv4b, conv8, conv16, up8, up4, head1, head2: Conv2d
    /// Required by `Layer`; no batch norm or dropout here.
    public var isTraining = true

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
        let s4 = conv4b(conv4a(stem(x).relu().maxPool2d(kernel: (2, 2))).relu()).relu()
        let s8 = conv8(s4.maxPool2d(kernel: (2, 2))).relu()
        let s16 = conv16(s8.maxPool2d(kernel: (2, 2))).relu()
        let u8 = up8(Tensor.concat([s16.resizedBilinear(height: h / 8, width: w / 8), s8], axis: 1)).relu()
        let u4 = up4(Tensor.concat([u8.resizedBilinear(height: h / 4, width: w / 4), s4], axis: 1)).relu()
        return head2(head1(u4).relu())
    }

    /// Every convolution's parameters, named `LAYER.NAME` (`stem.weight`…), in a fixed order.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        let layers: [(String, Conv2d)] = [("stem", stem), ("conv4a", conv4a), ("conv4b", conv4b), ("conv8", conv8),
                                          ("conv16", conv16), ("up8", up8), ("up4", up4), ("head1", head1), ("head2", head2)]
        return layers.flatMap { name, layer in layer.namedParameters.map { ("\(name).\($0.name)", $0.parameter) } }
    }
}
