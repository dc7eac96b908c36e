import NN
import Tensor

/// The segmentation task network: a small fully convolutional encoder–decoder with skip
/// connections (a two-level U-Net). `[N, C, H, W]` → logits `[N, classes, H, W]`; H and W must be
/// multiples of 4.
///
/// With width `w` (16 by default): two 3×3 convs (w) at full size, max-pool, two 3×3 convs (2w)
/// at half size, max-pool, a 3×3 conv (4w) at quarter size. Decoder: bilinear upsampling ×2,
/// concatenation with the encoder's features of that size, a 3×3 conv (2w, then w); a 1×1 conv
/// to the classes.
public final class SegmentationNetwork: Layer {
    let enc1a, enc1b, enc2a, enc2b, bottom, dec2, dec1, head: Conv2d
    /// Required by `Layer`; this network behaves the same either way (no dropout or batch norm).
    public var isTraining = true

    /// A network for `channels`-channel images and `classes` output classes, `width` channels at
    /// full size, weights seeded from `seed`.
    public init(channels: Int, classes: Int, seed: UInt64, width w: Int = 16) {
        func conv(_ i: Int, _ o: Int, _ k: Int, _ s: UInt64) -> Conv2d { Conv2d(i, o, kernel: k, padding: .same, seed: seed &+ s) }
        enc1a = conv(channels, w, 3, 0); enc1b = conv(w, w, 3, 1)
        enc2a = conv(w, 2 * w, 3, 2); enc2b = conv(2 * w, 2 * w, 3, 3)
        bottom = conv(2 * w, 4 * w, 3, 4)
        dec2 = conv(4 * w + 2 * w, 2 * w, 3, 5)
        dec1 = conv(2 * w + w, w, 3, 6)
        head = conv(w, classes, 1, 7)
    }

    /// `x`: `[N, channels, H, W]` → logits `[N, classes, H, W]`. Precondition: H and W multiples of 4.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        precondition(h % 4 == 0 && w % 4 == 0, "SegmentationNetwork: image \(h)×\(w) is not a multiple of 4")
        let e1 = enc1b(enc1a(x).relu()).relu()
        let e2 = enc2b(enc2a(e1.maxPool2d(kernel: (2, 2))).relu()).relu()
        let b = bottom(e2.maxPool2d(kernel: (2, 2))).relu()
        let d2 = dec2(Tensor.concat([b.resizedBilinear(height: h / 2, width: w / 2), e2], axis: 1)).relu()
        let d1 = dec1(Tensor.concat([d2.resizedBilinear(height: h, width: w), e1], axis: 1)).relu()
        return head(d1)
    }

    /// Every convolution's parameters, named `LAYER.NAME` (`enc1a.weight`...), in a fixed order.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        let layers: [(String, Conv2d)] = [("enc1a", enc1a), ("enc1b", enc1b), ("enc2a", enc2a), ("enc2b", enc2b),
                                          ("bottom", bottom), ("dec2", dec2), ("dec1", dec1), ("head", head)]
        return layers.flatMap { name, layer in layer.namedParameters.map { ("\(name).\($0.name)", $0.parameter) } }
    }
}

/// Per-class intersection over union of two label maps (same length, class names per pixel):
/// `|predicted = c ∧ truth = c| / |predicted = c ∨ truth = c|` for each of `classes`.
/// A class that appears in neither map has no IoU: it is left out of `perClass` and of the
/// mean. `mean` is the average over the classes that have one (0 when none has).
public func intersectionOverUnion(predicted: [String], truth: [String], classes: [String]) -> (perClass: [String: Double], mean: Double) {
    precondition(predicted.count == truth.count, "intersectionOverUnion: \(predicted.count) predictions for \(truth.count) labels")
    var intersection = [String: Int](), union = [String: Int]()
    for (p, t) in zip(predicted, truth) {
        if p == t {
            intersection[p, default: 0] += 1
            union[p, default: 0] += 1
        } else {
            union[p, default: 0] += 1
            union[t, default: 0] += 1
        }
    }
    var perClass: [String: Double] = [:]
    for c in classes { if let u = union[c], u > 0 { perClass[c] = Double(intersection[c] ?? 0) / Double(u) } }
    let mean = perClass.isEmpty ? 0 : perClass.values.reduce(0, +) / Double(perClass.count)
    return (perClass, mean)
}

/// Soft (probabilistic) IoU per class: `<class>_soft_iou` = Σ pₖ·[y = k] / Σ (pₖ + [y = k] −
/// pₖ·[y = k]) over pixels, pₖ the predicted probability of class k (Rahman & Wang 2016,
/// "Optimizing intersection-over-union in deep neural networks for image segmentation"), and
/// `mean_soft_iou` over the classes present in `truth`. Unlike the IoU of argmax labels it moves
/// with the probabilities before any pixel changes label (a class a briefly trained network does
/// not predict yet still scores above 0), so it can serve as a reward. Values in [0, 1].
/// - Parameters:
///   - probabilities: `[pixels, classes.count]` row-major, rows summing to 1.
///   - truth: per pixel, the class index, or −1 for a pixel of none of `classes`.
/// - Precondition: `probabilities.count == truth.count · classes.count`.
public func softIntersectionOverUnion(probabilities: [Float], truth: [Int], classes: [String]) -> [String: Double] {
    let k = classes.count
    precondition(probabilities.count == truth.count * k,
                 "softIntersectionOverUnion: \(probabilities.count) probabilities for \(truth.count) pixels × \(k) classes")
    var intersection = [Double](repeating: 0, count: k), predicted = intersection, actual = intersection
    for (pixel, t) in truth.enumerated() {
        for j in 0..<k { predicted[j] += Double(probabilities[pixel * k + j]) }
        if t >= 0 { actual[t] += 1; intersection[t] += Double(probabilities[pixel * k + t]) }
    }
    var result: [String: Double] = [:], present: [Double] = []
    for j in 0..<k {
        let union = predicted[j] + actual[j] - intersection[j]
        guard union > 0 else { continue }
        result["\(classes[j])_soft_iou"] = intersection[j] / union
        if actual[j] > 0 { present.append(intersection[j] / union) }
    }
    result["mean_soft_iou"] = present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
    return result
}
