import MetaSim
import Scene
import Tensor

/// Task-network training throughput: images per second of `TaskNetwork.train` steps (forward,
/// cross-entropy, backward, Adam) on random data, one batch per step. The classifier on MNIST's
/// size (batch 64 of 32×32 grey, 10 classes, width 32 — experiments/mnist-rotation.yaml's
/// task network) and the segmenter on the aerial size (batch 16 of 128×128 RGB, 4 classes,
/// width 16 — experiments/aerial.yaml). Benchmarks/train_reference.py builds the same
/// architectures in PyTorch; Benchmarks/interleave_torch.py runs both alternately.
let taskTrainingBenchmarks: [Benchmark] = [
    Benchmark(names: ["train.classifier_mnist32.images_per_s"]) {
        [BenchResult(name: "train.classifier_mnist32.images_per_s",
                     value: trainingRate(kind: .classification, canvas: Canvas(width: 32, height: 32, channels: 1),
                                         classes: 10, width: 32, batch: 64, repeats: 5),
                     unit: "images/s")]
    },
    Benchmark(names: ["train.segmenter_aerial128.images_per_s"]) {
        [BenchResult(name: "train.segmenter_aerial128.images_per_s",
                     value: trainingRate(kind: .segmentation, canvas: Canvas(width: 128, height: 128, channels: 3),
                                         classes: 4, width: 16, batch: 16, repeats: 3),
                     unit: "images/s")]
    },
]

/// Images per second of one-batch training epochs (median of `repeats`, after a warm-up step).
private func trainingRate(kind: TaskKind, canvas: Canvas, classes: Int, width: Int, batch: Int, repeats: Int) -> Double {
    var rng = SplitMix64(seed: 7)
    let images = Tensor.uniform([batch, canvas.channels, canvas.height, canvas.width], lo: 0, hi: 1, rng: &rng)
    let labelCount = kind == .segmentation ? batch * canvas.height * canvas.width : batch
    let labels = (0..<labelCount).map { Int(($0 &* 2_654_435_761) % classes) }
    let data = TaskSet(kind: kind, images: images, labels: labels, classes: (0..<classes).map(String.init))
    let network = TaskNetwork(kind: kind, canvas: canvas, classes: data.classes, seed: 1, width: width)
    let seconds = medianSeconds(repeats: repeats, minSeconds: 0) {
        network.train(on: data, epochs: 1, batchSize: batch, learningRate: 1e-3, seed: 1)
    }
    return Double(batch) / seconds
}
