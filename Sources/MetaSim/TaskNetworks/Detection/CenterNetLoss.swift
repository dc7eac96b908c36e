import Foundation
import Tensor

/// CenterNet's training loss (Zhou et al. 2019, eq. 1–3) on a detector output `[N, K + 4, h, w]`
/// (`CenterNetDetector`'s layout, map stride `stride` px) against ground-truth boxes:
///
/// - **Heatmap**: each object of class k puts an elliptical Gaussian on channel k centred on the
///   cell holding its box centre, `exp(−dx²/2σx² − dy²/2σy²)` with `σ = 0.54 · side / 6` in cells
///   (TTFNet's box-shaped Gaussian, Liu et al. 2020), at least 0.5 cells; overlapping Gaussians
///   take the maximum. Penalty-reduced focal loss with α = 2, β = 4 on p = sigmoid(logit):
///   `−(1 − p)^α log p` at centre cells, `−(1 − T)^β p^α log(1 − p)` elsewhere.
/// - **Offset** and **size**: L1 at each object's centre cell (class-agnostic) on the centre's
///   sub-cell offset `c/stride − ⌊c/stride⌋` and on `log(side / stride)`; two objects with one
///   centre cell: the larger box wins.
///
/// Each of the three terms is summed over the batch and divided by the number of objects (at
/// least 1). DontCare regions (`classIndex == nil`) are left out. Returns a scalar tensor whose
/// gradient (exact, hand-derived, computed in Double) flows to `output`.
public func centerNetLoss(_ output: Tensor, objects: [[LabelledBox]], classes: Int, stride: Int) -> Tensor {
    let (n, c, h, w) = (output.shape[0], output.shape[1], output.shape[2], output.shape[3])
    precondition(output.rank == 4 && c == classes + 4 && objects.count == n,
                 "centerNetLoss: output \(output.shape) does not fit \(classes) classes and \(objects.count) images")
    let targets = CenterNetTargets(objects: objects, batch: n, classes: classes, height: h, width: w, stride: stride)
    let normaliser = Double(max(1, targets.objectCount))
    let y = output.data
    var grad = [Float](repeating: 0, count: y.count)
    var loss = 0.0
    let plane = h * w
    for b in 0..<n {
        for k in 0..<classes {
            let base = (b * c + k) * plane
            for i in 0..<plane {
                let (value, derivative) = focalTerm(logit: Double(y[base + i]), target: targets.heatmap[(b * classes + k) * plane + i])
                loss += value / normaliser
                grad[base + i] = Float(derivative / normaliser)
            }
        }
    }
    for r in targets.regressions {
        for (j, target) in r.values.enumerated() {
            let index = ((r.image * c) + classes + j) * plane + r.cell
            let difference = Double(y[index]) - target
            loss += abs(difference) / normaliser
            grad[index] += Float((difference > 0 ? 1 : (difference < 0 ? -1 : 0)) / normaliser)
        }
    }
    let shape = output.shape
    return Tensor.custom(inputs: [output], output: Tensor(Float(loss))) { g in
        [Tensor(shape: shape, data: grad.map { $0 * g.scalar })]
    }
}

/// The focal term and its derivative with respect to the logit z (p = sigmoid z):
/// target 1: L = −(1−p)² log p, dL/dz = 2p(1−p)² log p − (1−p)³;
/// else L = −(1−T)⁴ p² log(1−p), dL/dz = (1−T)⁴ (p³ − 2p²(1−p) log(1−p)).
/// Logs are taken from z (log p = −softplus(−z)) so saturated logits stay finite.
func focalTerm(logit z: Double, target t: Double) -> (value: Double, derivative: Double) {
    let p = 1 / (1 + exp(-z))
    let logP = -softplus(-z), logOneMinusP = -softplus(z)
    if t >= 1 {
        let q = 1 - p
        return (-q * q * logP, 2 * p * q * q * logP - q * q * q)
    }
    let weight = pow(1 - t, 4)
    return (-weight * p * p * logOneMinusP, weight * (p * p * p - 2 * p * p * (1 - p) * logOneMinusP))
}

/// log(1 + eˣ), stable for any x.
func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }

/// Heatmap targets and regression targets of a batch (see `centerNetLoss`).
struct CenterNetTargets {
    /// `[N, K, h, w]` Gaussian heatmaps, row-major.
    var heatmap: [Double]
    /// Per object centre cell: image, cell index `y·w + x`, then (offset x, offset y, log w, log h).
    var regressions: [(image: Int, cell: Int, values: [Double])] = []
    /// Objects (DontCare excluded) in the batch.
    var objectCount = 0

    init(objects: [[LabelledBox]], batch: Int, classes: Int, height h: Int, width w: Int, stride: Int) {
        heatmap = [Double](repeating: 0, count: batch * classes * h * w)
        let s = Double(stride)
        for (b, boxes) in objects.enumerated() {
            var best: [Int: (area: Double, values: [Double])] = [:]
            for o in boxes {
                guard let k = o.classIndex, o.box.width > 0, o.box.height > 0 else { continue }
                precondition(k >= 0 && k < classes, "centerNetLoss: class \(k) outside 0..<\(classes)")
                objectCount += 1
                let cx = (o.box.x0 + o.box.x1) / 2 / s, cy = (o.box.y0 + o.box.y1) / 2 / s
                let ix = min(max(Int(cx.rounded(.down)), 0), w - 1), iy = min(max(Int(cy.rounded(.down)), 0), h - 1)
                let sx = max(0.5, 0.54 * o.box.width / s / 6), sy = max(0.5, 0.54 * o.box.height / s / 6)
                let base = (b * classes + k) * h * w
                let rx = Int((3 * sx).rounded(.up)), ry = Int((3 * sy).rounded(.up))
                for y in max(0, iy - ry)...min(h - 1, iy + ry) {
                    for x in max(0, ix - rx)...min(w - 1, ix + rx) {
                        let dx = Double(x - ix), dy = Double(y - iy)
                        let value = exp(-dx * dx / (2 * sx * sx) - dy * dy / (2 * sy * sy))
                        heatmap[base + y * w + x] = max(heatmap[base + y * w + x], value)
                    }
                }
                let cell = iy * w + ix
                let values = [cx - Double(ix), cy - Double(iy), log(o.box.width / s), log(o.box.height / s)]
                if (best[cell]?.area ?? -1) < o.box.area { best[cell] = (o.box.area, values) }
            }
            for (cell, entry) in best.sorted(by: { $0.key < $1.key }) { regressions.append((b, cell, entry.values)) }
        }
    }
}

/// Detections from a detector output `[N, K + 4, h, w]` (`CenterNetDetector`'s layout): cells
/// whose heatmap probability is the largest of their 3×3 neighbourhood in their class channel
/// (CenterNet's max-pool peak extraction, no other NMS), at least `minimumScore`, at most
/// `maximumPerImage` per image (highest first); box centre `(cell + offset)·stride`, sides
/// `exp(log side)·stride` (log side clamped to [−4, 8]), score the probability.
public func centerNetDetections(_ output: Tensor, classes: Int, stride: Int, minimumScore: Double = 0.01,
                                maximumPerImage: Int = 100) -> [[Detection]] {
    let (n, c, h, w) = (output.shape[0], output.shape[1], output.shape[2], output.shape[3])
    precondition(output.rank == 4 && c == classes + 4, "centerNetDetections: output \(output.shape) does not fit \(classes) classes")
    let y = output.data, plane = h * w, s = Double(stride)
    return (0..<n).map { b in
        var found: [Detection] = []
        for k in 0..<classes {
            let base = (b * c + k) * plane
            for cy in 0..<h {
                for cx in 0..<w {
                    let z = y[base + cy * w + cx]
                    var peak = true
                    for dy in -1...1 where peak {
                        for dx in -1...1 where (dx != 0 || dy != 0) {
                            let (nx, ny) = (cx + dx, cy + dy)
                            if nx >= 0, ny >= 0, nx < w, ny < h, y[base + ny * w + nx] > z { peak = false; break }
                        }
                    }
                    let score = 1 / (1 + exp(-Double(z)))
                    guard peak, score >= minimumScore else { continue }
                    func at(_ j: Int) -> Double { Double(y[((b * c) + classes + j) * plane + cy * w + cx]) }
                    let px = (Double(cx) + at(0)) * s, py = (Double(cy) + at(1)) * s
                    let bw = exp(min(max(at(2), -4), 8)) * s, bh = exp(min(max(at(3), -4), 8)) * s
                    found.append(Detection(classIndex: k, box: PixelBox(x0: px - bw / 2, y0: py - bh / 2, x1: px + bw / 2, y1: py + bh / 2),
                                           score: score))
                }
            }
        }
        return Array(found.sorted { $0.score > $1.score }.prefix(maximumPerImage))
    }
}
