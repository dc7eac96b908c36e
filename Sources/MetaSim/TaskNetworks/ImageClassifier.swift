import NN
import Tensor

/// A labelled image set in tensor layout: `images` `[N, C, H, W]` in [0, 1], one label per
/// image in `0..<classes.count`.
public struct LabelledImages: Sendable {
    public var images: Tensor
    public var labels: [Int]
    public var classes: [String]

    /// - Precondition: `images` is rank 4 with one label per image, labels in range.
    public init(images: Tensor, labels: [Int], classes: [String]) {
        precondition(images.rank == 4 && images.shape[0] == labels.count,
                     "LabelledImages: images \(images.shape) for \(labels.count) labels")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classes.count }, "LabelledImages: label outside 0..<\(classes.count)")
        self.images = images
        self.labels = labels
        self.classes = classes
    }

    public var count: Int { labels.count }

    /// Images `indices` as one batch tensor, with their labels.
    func batch(_ indices: ArraySlice<Int>) -> (Tensor, [Int]) {
        (images.gather(axis: 0, indices: Array(indices)), indices.map { labels[$0] })
    }
}

/// The task network for classification (MNIST digits): a small CNN trained from scratch on
/// generated data and scored on labelled target data.
///
/// conv 3×3 → 32, ReLU, max-pool 2 → conv 3×3 → 64, ReLU, max-pool 2 → linear → 128, ReLU →
/// linear → classes. Input `[N, C, H, W]` with H and W multiples of 4.
public final class ImageClassifier {
    public let network: Sequential
    public let classes: [String]

    public init(channels: Int, height: Int, width: Int, classes: [String], seed: UInt64) {
        precondition(height % 4 == 0 && width % 4 == 0 && height > 0 && width > 0,
                     "ImageClassifier: canvas \(height)×\(width) must be a positive multiple of 4")
        self.classes = classes
        network = Sequential([
            Conv2d(channels, 32, kernel: 3, padding: .same, seed: seed),
            Function.relu, Function { $0.maxPool2d(kernel: (2, 2)) },
            Conv2d(32, 64, kernel: 3, padding: .same, seed: seed &+ 1),
            Function.relu, Function { $0.maxPool2d(kernel: (2, 2)) },
            Function.flatten,
            Linear(64 * (height / 4) * (width / 4), 128, seed: seed &+ 2),
            Function.relu,
            Linear(128, classes.count, seed: seed &+ 3),
        ])
    }

    /// Trains on `data` with Adam for `epochs` passes in shuffled minibatches (the shuffle is
    /// seeded: same data and seed, same network). `progress` is called after each batch with
    /// the batch loss.
    public func train(on data: LabelledImages, epochs: Int, batchSize: Int, learningRate: Float, seed: UInt64,
                      progress: ((Float) -> Void)? = nil) {
        let optimizer = Adam(network.trainableParameters, learningRate: learningRate)
        var rng = SplitMix64(seed: seed)
        var order = Array(0..<data.count)
        for _ in 0..<epochs {
            order.shuffle(using: &rng)
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let (x, y) = data.batch(order[start..<min(order.count, start + batchSize)])
                let loss = Tensor.crossEntropyLoss(network(x), labels: y)
                optimizer.step(network.gradients(of: loss))
                progress?(loss.scalar)
            }
        }
    }

    /// Predicted class index per image.
    public func predict(_ images: Tensor, batchSize: Int = 256) -> [Int] {
        withoutGradients {
            var out: [Int] = []
            for start in stride(from: 0, to: images.shape[0], by: batchSize) {
                let idx = Array(start..<min(images.shape[0], start + batchSize))
                let logits = network(images.gather(axis: 0, indices: idx))
                let k = logits.shape[1]
                for i in 0..<idx.count {
                    let row = logits.data[(i * k)..<((i + 1) * k)]
                    out.append(row.firstIndex(of: row.max()!)! - i * k)
                }
            }
            return out
        }
    }

    /// Fraction of `data` classified correctly (0 for an empty set). Labels are matched by
    /// class name, so `data` may list its classes in another order.
    public func accuracy(on data: LabelledImages) -> Double {
        guard data.count > 0 else { return 0 }
        let predicted = predict(data.images)
        let correct = zip(predicted, data.labels).filter { classes[$0] == data.classes[$1] }.count
        return Double(correct) / Double(data.count)
    }
}
