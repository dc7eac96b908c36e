import Foundation
import Tensor

/// How a task network's Adam learning rate moves over its training.
public enum LearningRateSchedule: String, Sendable, CaseIterable {
    /// `constant`: the base rate at every step. `cosine`: half a cosine from the base rate at
    /// the first step down towards 0 after the last (Loshchilov & Hutter's SGDR without restarts):
    /// step `t` of `T` uses `base · ½(1 + cos(π t / T))`.
    case constant, cosine

    /// The rate for optimiser step `step` (0-based) of `total`; `base` when `total` ≤ 0.
    public func rate(base: Float, step: Int, total: Int) -> Float {
        switch self {
        case .constant: return base
        case .cosine:
            guard total > 0 else { return base }
            let t = Double(min(max(step, 0), total)) / Double(total)
            return base * Float(0.5 * (1 + cos(Double.pi * t)))
        }
    }
}

/// How a task network is trained beyond epochs, batch size and base learning rate (the
/// experiment's `task_network` section): the learning-rate schedule, random crops (segmentation),
/// per-class loss weights (classification, segmentation) and random mirroring. The defaults
/// train as before these options existed: constant rate, whole images, unweighted
/// cross-entropy, no mirroring.
public struct TaskTrainingOptions: Sendable, Equatable {
    /// The learning-rate schedule over all optimiser steps of the training.
    public var schedule: LearningRateSchedule = .constant
    /// Segmentation: train on one random `crop`×`crop` window of each image per step instead of
    /// the whole image (the network is fully convolutional, so it still predicts whole images);
    /// nil: whole images. A multiple of 4, at most the image's shorter side.
    public var crop: Int? = nil
    /// Cross-entropy weight of each class (`Tensor.nllLoss`'s weighted mean), one per class in
    /// the network's order; nil: all 1.
    public var classWeights: [Float]? = nil
    /// Mirror each training image left to right with probability ½, drawn anew per pass (its
    /// boxes or per-pixel labels with it; a classification label stays): the standard
    /// augmentation of detectors (CenterNet's `flip`), which makes a network blind to which side
    /// a scene is lit from or viewed from. Off by default.
    public var horizontalFlip = false

    /// Options from explicit values, unchecked.
    public init(schedule: LearningRateSchedule = .constant, crop: Int? = nil, classWeights: [Float]? = nil,
                horizontalFlip: Bool = false) {
        self.schedule = schedule
        self.crop = crop
        self.classWeights = classWeights
        self.horizontalFlip = horizontalFlip
    }
}

/// Mirrors images left to right where `flip` is set: images `[N, C, H, W]`, per-pixel labels
/// (`N·H·W`, row-major per image; empty: none) and boxes (one list per image, or empty: none)
/// with them (`x → W − x`, so a box's `x0, x1` become `W − x1, W − x0`).
/// - Precondition: one flag per image.
func mirrored(_ images: Tensor, labels: [Int], objects: [[LabelledBox]], where flip: [Bool])
    -> (images: Tensor, labels: [Int], objects: [[LabelledBox]]) {
    let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    precondition(flip.count == n, "mirrored: \(flip.count) flags for \(n) images")
    var pixels = images.data, perPixel = labels, boxes = objects
    for i in 0..<n where flip[i] {
        for row in 0..<(c * h) { pixels[((i * c * h) + row) * w..<((i * c * h) + row + 1) * w].reverse() }
        if !perPixel.isEmpty { for y in 0..<h { perPixel[(i * h + y) * w..<(i * h + y + 1) * w].reverse() } }
        if !boxes.isEmpty {
            for k in boxes[i].indices {
                let b = boxes[i][k].box
                boxes[i][k].box = PixelBox(x0: Double(w) - b.x1, y0: b.y0, x1: Double(w) - b.x0, y1: b.y1)
            }
        }
    }
    return (Tensor(shape: images.shape, data: pixels), perPixel, boxes)
}

extension TaskSet {
    /// The segmentation images at `indices` as one batch cut to `size`×`size` windows whose
    /// top-left corners are `origins` (one `(y, x)` per index), with their per-pixel labels:
    /// images `[n, C, size, size]`, labels `n·size·size` row-major per window.
    /// - Precondition: segmentation; one origin per index; every window inside its image.
    func croppedBatch(_ indices: [Int], size: Int, origins: [(y: Int, x: Int)]) -> (images: Tensor, labels: [Int]) {
        precondition(kind == .segmentation, "TaskSet.croppedBatch: not a segmentation set")
        precondition(origins.count == indices.count, "TaskSet.croppedBatch: \(origins.count) origins for \(indices.count) images")
        let (c, h, w) = (images.shape[1], images.shape[2], images.shape[3])
        precondition(origins.allSatisfy { $0.y >= 0 && $0.x >= 0 && $0.y + size <= h && $0.x + size <= w },
                     "TaskSet.croppedBatch: a \(size)×\(size) window leaves the \(h)×\(w) image")
        var pixels = [Float](), labels = [Int]()
        pixels.reserveCapacity(indices.count * c * size * size)
        labels.reserveCapacity(indices.count * size * size)
        images.data.withUnsafeBufferPointer { p in
            for (i, o) in zip(indices, origins) {
                for channel in 0..<c {
                    for y in o.y..<(o.y + size) {
                        let row = ((i * c + channel) * h + y) * w
                        pixels.append(contentsOf: p[(row + o.x)..<(row + o.x + size)])
                    }
                }
                for y in o.y..<(o.y + size) {
                    let row = (i * h + y) * w
                    labels.append(contentsOf: self.labels[(row + o.x)..<(row + o.x + size)])
                }
            }
        }
        return (Tensor(shape: [indices.count, c, size, size], data: pixels), labels)
    }
}
