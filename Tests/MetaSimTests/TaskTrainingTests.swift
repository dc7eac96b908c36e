import Scene
import Tensor
import XCTest
@testable import MetaSim

/// The task-network training options: learning-rate schedules, random crops, class weights.
final class TaskTrainingTests: XCTestCase {
    func testCosineScheduleByHand() {
        let cosine = LearningRateSchedule.cosine
        XCTAssertEqual(cosine.rate(base: 0.01, step: 0, total: 100), 0.01, accuracy: 1e-9)
        XCTAssertEqual(cosine.rate(base: 0.01, step: 50, total: 100), 0.005, accuracy: 1e-9)
        XCTAssertEqual(cosine.rate(base: 0.01, step: 25, total: 100), 0.01 * Float(0.5 * (1 + cos(Double.pi / 4))), accuracy: 1e-9)
        XCTAssertEqual(cosine.rate(base: 0.01, step: 100, total: 100), 0, accuracy: 1e-9)
        let rates = (0..<100).map { cosine.rate(base: 1, step: $0, total: 100) }
        XCTAssertTrue(zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 }, "strictly decreasing")
        XCTAssertGreaterThan(rates.last!, 0, "the last step still moves")
        XCTAssertEqual(cosine.rate(base: 0.3, step: 0, total: 0), 0.3)
        XCTAssertEqual(LearningRateSchedule.constant.rate(base: 0.3, step: 77, total: 100), 0.3)
    }

    /// Mirroring moves pixel (y, x) to (y, W − 1 − x) in every channel of the flagged images
    /// only, per-pixel labels with it, and a box's edges to `W − x1, W − x0`; twice is the identity.
    func testMirroredFlipsFlaggedImagesTheirLabelsAndBoxes() {
        let (n, c, h, w) = (2, 2, 3, 5)
        let pixels = (0..<(n * c * h * w)).map(Float.init)
        let labels = (0..<(n * h * w)).map { $0 % 7 }
        let boxes = [[LabelledBox(classIndex: 0, box: PixelBox(x0: 1, y0: 0.5, x1: 2.5, y1: 3))],
                     [LabelledBox(classIndex: nil, box: PixelBox(x0: 0, y0: 1, x1: 5, y1: 2))]]
        let images = Tensor(shape: [n, c, h, w], data: pixels)
        let m = mirrored(images, labels: labels, objects: boxes, where: [true, false])
        for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            XCTAssertEqual(m.images.data[(ch * h + y) * w + x], pixels[(ch * h + y) * w + (w - 1 - x)])
            XCTAssertEqual(m.images.data[((c + ch) * h + y) * w + x], pixels[((c + ch) * h + y) * w + x], "not flagged")
        } } }
        for y in 0..<h { for x in 0..<w {
            XCTAssertEqual(m.labels[y * w + x], labels[y * w + (w - 1 - x)])
            XCTAssertEqual(m.labels[(h + y) * w + x], labels[(h + y) * w + x])
        } }
        XCTAssertEqual(m.objects[0][0].box, PixelBox(x0: 2.5, y0: 0.5, x1: 4, y1: 3))
        XCTAssertEqual(m.objects[1], boxes[1])
        let twice = mirrored(m.images, labels: m.labels, objects: m.objects, where: [true, false])
        XCTAssertEqual(twice.images.data, pixels)
        XCTAssertEqual(twice.labels, labels)
        XCTAssertEqual(twice.objects, boxes)
        XCTAssertEqual(mirrored(images, labels: [], objects: [], where: [true, true]).labels, [], "no labels: none made")
    }

    /// Mirroring draws its coins only when asked: without it training is what it was, with it the
    /// network differs (it saw mirrored images).
    func testHorizontalFlipChangesTrainingOnlyWhenAsked() {
        var rng = SplitMix64(seed: 4)
        let images = Tensor.uniform([8, 1, 16, 16], rng: &rng)
        let objects = (0..<8).map { i in [LabelledBox(classIndex: 0, box: PixelBox(x0: Double(i), y0: 2, x1: Double(i) + 6, y1: 9))] }
        let data = TaskSet(kind: .detection, images: images, labels: [], classes: ["car"], objects: objects)
        func trained(_ options: TaskTrainingOptions) -> [Float] {
            let network = TaskNetwork(kind: .detection, canvas: Canvas(width: 16, height: 16), classes: ["car"], seed: 3, width: 4)
            network.train(on: data, epochs: 1, batchSize: 4, learningRate: 0.01, seed: 9, options: options)
            return network.network(images).data
        }
        XCTAssertEqual(trained(TaskTrainingOptions()), trained(TaskTrainingOptions()), "seeded: the same network")
        XCTAssertNotEqual(trained(TaskTrainingOptions()), trained(TaskTrainingOptions(horizontalFlip: true)))
    }

    /// Windows are the pixels and labels at their corners, channel by channel.
    func testCroppedBatchCutsImagesAndLabels() {
        let (n, c, h, w) = (3, 2, 6, 8)
        let pixels = (0..<(n * c * h * w)).map(Float.init)
        let labels = (0..<(n * h * w)).map { $0 % 5 }
        let data = TaskSet(kind: .segmentation, images: Tensor(shape: [n, c, h, w], data: pixels), labels: labels,
                           classes: ["a", "b", "c", "d", "e"])
        let (images, cut) = data.croppedBatch([2, 0], size: 4, origins: [(y: 1, x: 3), (y: 2, x: 4)])
        XCTAssertEqual(images.shape, [2, c, 4, 4])
        XCTAssertEqual(cut.count, 2 * 16)
        for (b, (i, o)) in zip([2, 0], [(1, 3), (2, 4)]).enumerated() {
            for ch in 0..<c { for y in 0..<4 { for x in 0..<4 {
                XCTAssertEqual(images.data[((b * c + ch) * 4 + y) * 4 + x], pixels[((i * c + ch) * h + o.0 + y) * w + o.1 + x])
            } } }
            for y in 0..<4 { for x in 0..<4 {
                XCTAssertEqual(cut[(b * 4 + y) * 4 + x], labels[(i * h + o.0 + y) * w + o.1 + x])
            } }
        }
    }

    /// Bright squares on 24×24 images: trained on 12×12 random windows with a cosine schedule,
    /// the segmenter still finds them on whole images.
    func testSegmenterTrainedOnCropsSegmentsWholeImages() {
        let data = squares(count: 48, side: 24, seed: 5)
        let network = TaskNetwork(kind: .segmentation, canvas: Canvas(width: 24, height: 24), classes: ["ground", "square"], seed: 1)
        network.train(on: data, epochs: 20, batchSize: 16, learningRate: 0.01, seed: 2,
                      options: TaskTrainingOptions(schedule: .cosine, crop: 12))
        let scores = network.scores(on: squares(count: 16, side: 24, seed: 6))
        XCTAssertGreaterThan(scores["square_iou"]!, 0.8, "\(scores)")
    }

    /// A class of weight 0 contributes nothing to the loss, so the network never learns to
    /// predict it; weight 1 trains as before.
    func testClassWeightZeroSilencesAClass() {
        let data = squares(count: 48, side: 16, seed: 3)
        func squareIoU(_ weights: [Float]?) -> Double {
            let network = TaskNetwork(kind: .segmentation, canvas: Canvas(width: 16, height: 16), classes: ["ground", "square"], seed: 1)
            network.train(on: data, epochs: 15, batchSize: 16, learningRate: 0.01, seed: 2,
                          options: TaskTrainingOptions(classWeights: weights))
            return network.scores(on: data)["square_iou"] ?? 0
        }
        XCTAssertGreaterThan(squareIoU([1, 1]), 0.8)
        XCTAssertEqual(squareIoU([1, 0]), 0)
    }

    /// One grey channel, a bright square of 4–6 px at a random place on each image.
    func squares(count n: Int, side: Int, seed: UInt64) -> TaskSet {
        var rng = SplitMix64(seed: seed)
        var pixels = [Float](repeating: 0, count: n * side * side), labels = [Int](repeating: 0, count: n * side * side)
        for i in 0..<n {
            let x0 = Int(rng.next() % UInt64(side - 6)), y0 = Int(rng.next() % UInt64(side - 6)), size = 4 + Int(rng.next() % 3)
            for y in y0..<(y0 + size) { for x in x0..<(x0 + size) {
                pixels[(i * side + y) * side + x] = 0.8
                labels[(i * side + y) * side + x] = 1
            } }
        }
        for k in pixels.indices { pixels[k] += 0.1 * rng.nextUniform() }
        return TaskSet(kind: .segmentation, images: Tensor(shape: [n, 1, side, side], data: pixels), labels: labels,
                       classes: ["ground", "square"])
    }
}
