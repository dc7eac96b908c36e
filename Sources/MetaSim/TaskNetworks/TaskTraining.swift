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
/// experiment's `task_network` section): the learning-rate schedule, random crops (segmentation)
/// and per-class loss weights (classification, segmentation). The defaults train as before these
/// options existed: constant rate, whole images, unweighted cross-entropy.
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

    /// Options from explicit values, unchecked.
    public init(schedule: LearningRateSchedule = .constant, crop: Int? = nil, classWeights: [Float]? = nil) {
        self.schedule = schedule
        self.crop = crop
        self.classWeights = classWeights
    }
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
