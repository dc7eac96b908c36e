import Foundation
import NN
import Scene
import Tensor

/// A task network trained from scratch on generated data and scored on labelled target data:
/// a classifier (one class per image), a segmenter (one class per pixel) or a detector (boxes,
/// `CenterNetDetector`). All train with Adam — the first two on cross-entropy, the detector on
/// `centerNetLoss` — and differ in architecture and in what they report.
public final class TaskNetwork {
    /// Classification or segmentation.
    public let kind: TaskKind
    /// Class names; logit `k` is `classes[k]`.
    public let classes: [String]
    /// Maps `[N, C, H, W]` to logits `[N, K]` (classification), `[N, K, H, W]` (segmentation) or
    /// `[N, K + 4, H/4, W/4]` (detection: `CenterNetDetector`'s layout).
    public let network: any Layer

    /// The network for `kind` on `canvas`; `width` is the channel count of its first
    /// convolution (deeper levels have up to 4× as many), nil for the kind's default
    /// (`defaultWidth`). Cost grows with about `width²`.
    /// - Precondition: canvas sides are positive multiples of 4 (16 for detection); at least one
    ///   class; `width` ≥ 1.
    public init(kind: TaskKind, canvas: Canvas, classes: [String], seed: UInt64, width: Int? = nil) {
        precondition(!classes.isEmpty, "TaskNetwork: no class")
        let width = width ?? Self.defaultWidth(kind)
        precondition(width >= 1, "TaskNetwork: width \(width) < 1")
        self.kind = kind
        self.classes = classes
        switch kind {
        case .classification: network = digitClassifier(canvas: canvas, classes: classes.count, seed: seed, width: width)
        case .segmentation: network = SegmentationNetwork(channels: canvas.channels, classes: classes.count, seed: seed, width: width)
        case .detection: network = CenterNetDetector(channels: canvas.channels, classes: classes.count, seed: seed, width: width)
        }
    }

    /// The first convolution's channel count when none is given: 32 (classification), 16
    /// (segmentation, detection).
    public static func defaultWidth(_ kind: TaskKind) -> Int { kind == .classification ? 32 : 16 }

    /// The metric stage 3 maximises: `target_accuracy`, `mean_iou` or `ap_moderate`.
    public var primaryMetric: String { Self.primaryMetric(kind) }

    /// The primary metric of a network of `kind` (see `primaryMetric`).
    public static func primaryMetric(_ kind: TaskKind) -> String {
        switch kind {
        case .classification: "target_accuracy"
        case .segmentation: "mean_iou"
        case .detection: "ap_moderate"
        }
    }

    /// Logits as rows: `[N, K]`, or `[N·H·W, K]` for segmentation.
    func rowLogits(_ images: Tensor) -> Tensor {
        let logits = network(images)
        guard kind == .segmentation else { return logits }
        let (n, k, h, w) = (logits.shape[0], logits.shape[1], logits.shape[2], logits.shape[3])
        return logits.permuted([0, 2, 3, 1]).reshaped([n * h * w, k])
    }

    /// Trains on `data` with Adam for `epochs` passes in shuffled minibatches (seeded: same data,
    /// seed and options, same network), the learning rate following `options.schedule` from
    /// `learningRate` over all `epochs · ⌈count / batchSize⌉` steps; a segmenter with
    /// `options.crop` sees one random window of each image per pass (corners drawn from the same
    /// seeded generator); with `options.horizontalFlip` each image of a batch is mirrored with
    /// probability ½ (`mirrored`; coins from the same generator, after the corners).
    /// `progress` gets each batch's loss.
    /// - Precondition: `options.crop`, when set, is for a segmenter, a positive multiple of 4 and
    ///   at most the images' shorter side; `options.classWeights`, when set, has one weight per
    ///   class (not for a detector).
    public func train(on data: TaskSet, epochs: Int, batchSize: Int, learningRate: Float, seed: UInt64,
                      options: TaskTrainingOptions = TaskTrainingOptions(), progress: ((Float) -> Void)? = nil) {
        if let crop = options.crop {
            precondition(kind == .segmentation, "TaskNetwork.train: crops are for a segmenter")
            precondition(crop > 0 && crop % 4 == 0 && crop <= min(data.images.shape[2], data.images.shape[3]),
                         "TaskNetwork.train: crop \(crop) is not a positive multiple of 4 within the images")
        }
        if let weights = options.classWeights {
            precondition(kind != .detection && weights.count == classes.count,
                         "TaskNetwork.train: \(weights.count) class weights for \(classes.count) classes")
        }
        network.isTraining = true
        let optimizer = Adam(network.trainableParameters, learningRate: learningRate)
        var rng = SplitMix64(seed: seed)
        var order = Array(0..<data.count)
        let total = epochs * batchCount(data.count, batchSize: batchSize)
        var step = 0
        for _ in 0..<epochs {
            order.shuffle(using: &rng)
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let indices = Array(order[start..<min(order.count, start + batchSize)])
                optimizer.learningRate = options.schedule.rate(base: learningRate, step: step, total: total)
                step += 1
                var (x, y, boxes): (Tensor, [Int], [[LabelledBox]])
                if let crop = options.crop {
                    let (h, w) = (data.images.shape[2], data.images.shape[3])
                    let origins = indices.map { _ in (y: Int(rng.next() % UInt64(h - crop + 1)), x: Int(rng.next() % UInt64(w - crop + 1))) }
                    (x, y) = data.croppedBatch(indices, size: crop, origins: origins)
                    boxes = []
                } else {
                    (x, y, boxes) = data.batch(indices)
                }
                if options.horizontalFlip {
                    let flip = indices.map { _ in rng.next() & 1 == 1 }
                    let m = mirrored(x, labels: kind == .segmentation ? y : [], objects: boxes, where: flip)
                    (x, boxes) = (m.images, m.objects)
                    if kind == .segmentation { y = m.labels }
                }
                let loss = kind == .detection
                    ? centerNetLoss(network(x), objects: boxes, classes: classes.count, stride: CenterNetDetector.stride)
                    : Tensor.crossEntropyLoss(rowLogits(x), labels: y, classWeights: options.classWeights)
                optimizer.step(network.gradients(of: loss))
                progress?(loss.scalar)
            }
        }
    }

    /// The predicted class per image (or per pixel), as indices into `classes`.
    /// - Precondition: not a detector (see `detect`).
    public func predict(_ images: Tensor, batchSize: Int = 128) -> [Int] {
        precondition(kind != .detection, "TaskNetwork.predict: a detector predicts boxes (detect)")
        return inference {
            var out: [Int] = []
            for start in stride(from: 0, to: images.shape[0], by: batchSize) {
                let logits = rowLogits(images.slice(axis: 0, start..<min(images.shape[0], start + batchSize)))
                let k = logits.shape[1]
                logits.data.withUnsafeBufferPointer { p in
                    for row in 0..<(logits.count / k) {
                        var best = 0
                        for j in 1..<k where p[row * k + j] > p[row * k + best] { best = j }
                        out.append(best)
                    }
                }
            }
            return out
        }
    }

    /// Detections per image (`centerNetDetections`: peaks of score ≥ 0.01, ≤ 100 per image).
    /// - Precondition: a detector.
    public func detect(_ images: Tensor, batchSize: Int = 64) -> [[Detection]] {
        precondition(kind == .detection, "TaskNetwork.detect: not a detector")
        return inference {
            stride(from: 0, to: images.shape[0], by: batchSize).flatMap { start in
                centerNetDetections(network(images.slice(axis: 0, start..<min(images.shape[0], start + batchSize))),
                                    classes: classes.count, stride: CenterNetDetector.stride)
            }
        }
    }

    /// Scores that move with the network's outputs before any prediction changes, for rewards
    /// (`task.metric`). Classification: `target_soft_accuracy`, the mean over images of the
    /// softmax probability of the labelled class (the accuracy of predicting by sampling from
    /// the softmax; a data class the network does not know counts 0; 0 for no data).
    /// Segmentation: soft IoU per class (`softIntersectionOverUnion`), classes
    /// matched by name (a data class the network does not know counts as no class's pixel).
    /// Detection: `centernet_fit` = exp(−L), L the CenterNet training loss (`centerNetLoss`:
    /// heatmap focal + offset + size terms per object) over `data`, in (0, 1], 1 for a perfect
    /// fit; a data class the network does not know is left out like DontCare.
    public func softScores(on data: TaskSet, batchSize: Int = 64) -> [String: Double] {
        if kind == .detection { return ["centernet_fit": exp(-detectionLoss(on: data, batchSize: batchSize))] }
        let probabilities = inference {
            stride(from: 0, to: data.count, by: batchSize).flatMap { start in
                rowLogits(data.images.slice(axis: 0, start..<min(data.count, start + batchSize))).softmax(axis: 1).data
            }
        }
        let truthIndex = data.classes.map { classes.firstIndex(of: $0) ?? -1 }
        if kind == .classification {
            let k = classes.count
            let total = data.labels.enumerated().reduce(0.0) { sum, entry in
                let j = truthIndex[entry.element]
                return j < 0 ? sum : sum + Double(probabilities[entry.offset * k + j])
            }
            return ["target_soft_accuracy": data.count == 0 ? 0 : total / Double(data.count)]
        }
        return softIntersectionOverUnion(probabilities: probabilities, truth: data.labels.map { truthIndex[$0] }, classes: classes)
    }

    /// `body` without gradients and with the network in inference mode (batch norms on their
    /// running statistics), its training mode restored afterwards.
    func inference<T>(_ body: () -> T) -> T {
        let training = network.isTraining
        network.isTraining = false
        defer { network.isTraining = training }
        return withoutGradients(body)
    }

    /// The names `softScores` reports for this network's kind and classes.
    public static func softScoreNames(kind: TaskKind, classes: [String]) -> [String] {
        switch kind {
        case .classification: ["target_soft_accuracy"]
        case .segmentation: ["mean_soft_iou"] + classes.map { "\($0)_soft_iou" }
        case .detection: ["centernet_fit"]
        }
    }

    /// The CenterNet loss per object over `data` (each batch's loss, which `centerNetLoss` divides
    /// by the batch's object count, weighted back by that count; 0 for no data).
    func detectionLoss(on data: TaskSet, batchSize: Int) -> Double {
        let known = data.classes.map { classes.firstIndex(of: $0) }
        var (total, weight) = (0.0, 0.0)
        inference {
            for start in stride(from: 0, to: data.count, by: batchSize) {
                let indices = Array(start..<min(data.count, start + batchSize))
                let (x, _, boxes) = data.batch(indices)
                let objects = boxes.map { $0.map { box in
                    var box = box
                    box.classIndex = box.classIndex.flatMap { known[$0] }
                    return box
                } }
                let count = Double(max(1, objects.joined().filter { $0.classIndex != nil }.count))
                total += Double(centerNetLoss(network(x), objects: objects, classes: classes.count, stride: CenterNetDetector.stride).scalar) * count
                weight += count
            }
        }
        return weight == 0 ? 0 : total / weight
    }

    /// Scores on labelled data, classes matched by name (a data class the network does not know
    /// always counts as wrong). Classification: `target_accuracy`. Segmentation: `mean_iou`
    /// and `<class>_iou` for each class (see `intersectionOverUnion`). Detection:
    /// `detectionScores`. Values in [0, 1].
    public func scores(on data: TaskSet) -> [String: Double] {
        if kind == .detection { return detectionScores(detections: detect(data.images), on: data, classes: classes) }
        let predicted = predict(data.images).map { classes[$0] }
        let truth = data.labels.map { data.classes[$0] }
        switch kind {
        case .classification:
            let correct = zip(predicted, truth).filter { $0 == $1 }.count
            return ["target_accuracy": data.count == 0 ? 0 : Double(correct) / Double(truth.count)]
        case .segmentation:
            let iou = intersectionOverUnion(predicted: predicted, truth: truth, classes: classes)
            var result = ["mean_iou": iou.mean]
            for (name, value) in iou.perClass { result["\(name)_iou"] = value }
            return result
        case .detection:
            preconditionFailure("handled above")
        }
    }
}

/// The classification network (MNIST digits): conv 3×3 → 32, ReLU, max-pool 2 → conv 3×3 →
/// 64, ReLU, max-pool 2 → (more conv 3×3 → 64, ReLU, max-pool 2 stages while the map is wider
/// than 8, so large canvases keep a small, translation-tolerant map) → linear → 128, ReLU →
/// linear → classes.
func digitClassifier(canvas: Canvas, classes: Int, seed: UInt64, width: Int) -> Sequential {
    precondition(canvas.height % 4 == 0 && canvas.width % 4 == 0 && canvas.height > 0 && canvas.width > 0,
                 "TaskNetwork: canvas \(canvas.height)×\(canvas.width) must be a positive multiple of 4")
    var layers: [any Layer] = [
        Conv2d(canvas.channels, width, kernel: 3, padding: .same, seed: seed),
        Function.relu, Function { $0.maxPool2d(kernel: (2, 2)) },
        Conv2d(width, 2 * width, kernel: 3, padding: .same, seed: seed &+ 1),
        Function.relu, Function { $0.maxPool2d(kernel: (2, 2)) },
    ]
    var (h, w) = (canvas.height / 4, canvas.width / 4)
    while max(h, w) > 8 && h % 2 == 0 && w % 2 == 0 {
        layers += [Conv2d(2 * width, 2 * width, kernel: 3, padding: .same, seed: seed &+ UInt64(layers.count)),
                   Function.relu, Function { $0.maxPool2d(kernel: (2, 2)) }]
        (h, w) = (h / 2, w / 2)
    }
    layers += [
        Function.flatten,
        Linear(2 * width * h * w, 128, seed: seed &+ 2),
        Function.relu,
        Linear(128, classes, seed: seed &+ 3),
    ]
    return Sequential(layers)
}
