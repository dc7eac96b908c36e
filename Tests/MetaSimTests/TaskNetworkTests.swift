import Scene
import Tensor
import XCTest
@testable import MetaSim

final class TaskNetworkTests: XCTestCase {
    func testIntersectionOverUnionByHand() {
        // truth:     a a b b c      predicted: a b b b a
        let truth = ["a", "a", "b", "b", "c"], predicted = ["a", "b", "b", "b", "a"]
        let iou = intersectionOverUnion(predicted: predicted, truth: truth, classes: ["a", "b", "c", "d"])
        // a: ∩ {0} = 1, ∪ {0,1,4} = 3 → 1/3; b: ∩ {2,3} = 2, ∪ {1,2,3} = 3 → 2/3; c: ∩ 0, ∪ {4} → 0; d absent.
        XCTAssertEqual(iou.perClass["a"]!, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(iou.perClass["b"]!, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(iou.perClass["c"], 0)
        XCTAssertNil(iou.perClass["d"], "a class in neither map has no IoU")
        XCTAssertEqual(iou.mean, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(intersectionOverUnion(predicted: ["x"], truth: ["x"], classes: ["x"]).mean, 1)
        XCTAssertEqual(intersectionOverUnion(predicted: [], truth: [], classes: ["x"]).mean, 0)
    }

    /// Bright squares at random places on 16×16 images: the segmentation network learns to
    /// find them (mean IoU over background and square well above chance).
    func testSegmentationNetworkLearnsSquares() {
        var rng = SplitMix64(seed: 3)
        let n = 48, side = 16
        var pixels = [Float](repeating: 0, count: n * side * side), labels = [Int](repeating: 0, count: n * side * side)
        for i in 0..<n {
            let x0 = Int(rng.next() % 10), y0 = Int(rng.next() % 10), size = 4 + Int(rng.next() % 3)
            for y in y0..<(y0 + size) { for x in x0..<(x0 + size) {
                pixels[(i * side + y) * side + x] = 0.8
                labels[(i * side + y) * side + x] = 1
            } }
        }
        for k in pixels.indices { pixels[k] += 0.1 * rng.nextUniform() }
        let data = TaskSet(kind: .segmentation, images: Tensor(shape: [n, 1, side, side], data: pixels), labels: labels,
                           classes: ["ground", "square"])
        let network = TaskNetwork(kind: .segmentation, canvas: Canvas(width: side, height: side), classes: ["ground", "square"], seed: 1)
        network.train(on: data, epochs: 15, batchSize: 16, learningRate: 0.01, seed: 2)
        let scores = network.scores(on: data)
        XCTAssertGreaterThan(scores["square_iou"]!, 0.8, "\(scores)")
        XCTAssertGreaterThan(scores["mean_iou"]!, 0.85, "\(scores)")
    }

    /// `width` sets the first convolution's channels and scales the deeper ones (2×, 4×); the
    /// defaults are the documented 32 (classification) and 16 (segmentation).
    func testWidthScalesTheNetworks() {
        func weightShapes(_ kind: TaskKind, _ width: Int?) -> [[Int]] {
            let network = TaskNetwork(kind: kind, canvas: Canvas(width: 32, height: 32, channels: 3), classes: ["a", "b"],
                                      seed: 1, width: width)
            return network.network.trainableParameters.map(\.value.shape).filter { $0.count == 4 }
        }
        XCTAssertEqual(weightShapes(.classification, nil), [[32, 3, 3, 3], [64, 32, 3, 3]])
        XCTAssertEqual(weightShapes(.classification, 8), [[8, 3, 3, 3], [16, 8, 3, 3]])
        XCTAssertEqual(weightShapes(.segmentation, nil).first, [16, 3, 3, 3])
        XCTAssertEqual(weightShapes(.segmentation, 4).map { $0[0] }, [4, 4, 8, 8, 16, 8, 4, 2])
        XCTAssertEqual(weightShapes(.segmentation, 4)[5][1], 16 + 8, "decoder input: upsampled bottom + skip")
    }

    func testClassificationScoresMatchClassesByName() {
        // A network whose classes are listed in another order than the data's still scores by name.
        let data = TaskSet(kind: .classification, images: Tensor.zeros([2, 1, 4, 4]), labels: [0, 1], classes: ["a", "b"])
        let network = TaskNetwork(kind: .classification, canvas: Canvas(width: 4, height: 4), classes: ["b", "a"], seed: 1)
        let predicted = network.predict(data.images).map { network.classes[$0] }
        let expected = Double(zip(predicted, ["a", "b"]).filter { $0 == $1 }.count) / 2
        XCTAssertEqual(network.scores(on: data)["target_accuracy"], expected)
    }

    /// `target_soft_accuracy`: the mean softmax probability of each image's labelled class, the
    /// classes matched by name (the network lists them in another order), a class the network
    /// does not know counting 0 — against the softmax of the network's own logits.
    func testSoftAccuracyIsTheMeanProbabilityOfTheLabelledClass() {
        var generator = SplitMix64(seed: 5)
        let images = Tensor(shape: [4, 1, 8, 8], data: (0..<256).map { _ in Float.random(in: 0...1, using: &generator) })
        let data = TaskSet(kind: .classification, images: images, labels: [0, 1, 2, 0], classes: ["a", "b", "d"])
        let network = TaskNetwork(kind: .classification, canvas: Canvas(width: 8, height: 8), classes: ["b", "a", "c"], seed: 2)
        let logits = withoutGradients { network.network(images) }.data
        func probability(_ image: Int, _ column: Int) -> Double {
            let row = (0..<3).map { Double(logits[image * 3 + $0]) }
            return exp(row[column]) / row.map(exp).reduce(0, +)
        }
        let expected = (probability(0, 1) + probability(1, 0) + 0 + probability(3, 1)) / 4
        XCTAssertEqual(network.softScores(on: data)["target_soft_accuracy"]!, expected, accuracy: 1e-6)
        XCTAssertNotEqual(network.softScores(on: data)["target_soft_accuracy"]!, network.scores(on: data)["target_accuracy"]!)
        XCTAssertEqual(TaskNetwork.softScoreNames(kind: .classification, classes: ["a"]), ["target_soft_accuracy"])
    }

    /// Two pixels, classes a, b: p = (0.8, 0.2) on an `a` pixel, (0.4, 0.6) on a `b` pixel.
    /// a: 0.8 / (1.2 + 1 − 0.8) = 4/7; b: 0.6 / (0.8 + 1 − 0.6) = 1/2. A pixel of no class adds
    /// only to the predicted mass (a: 0.8 / (1.3 + 1 − 0.8)). Hard IoU would give a: 1, b: 1 (both argmaxes right).
    func testSoftIntersectionOverUnionByHand() {
        let soft = softIntersectionOverUnion(probabilities: [0.8, 0.2, 0.4, 0.6], truth: [0, 1], classes: ["a", "b"])
        XCTAssertEqual(soft["a_soft_iou"]!, 4.0 / 7, accuracy: 1e-6)
        XCTAssertEqual(soft["b_soft_iou"]!, 0.5, accuracy: 1e-6)
        XCTAssertEqual(soft["mean_soft_iou"]!, (4.0 / 7 + 0.5) / 2, accuracy: 1e-6)
        let withNone = softIntersectionOverUnion(probabilities: [0.8, 0.2, 0.5, 0.5], truth: [0, -1], classes: ["a", "b"])
        XCTAssertEqual(withNone["a_soft_iou"]!, 0.8 / 1.5, accuracy: 1e-6)
        XCTAssertEqual(withNone["b_soft_iou"]!, 0, accuracy: 1e-6)
        XCTAssertEqual(withNone["mean_soft_iou"]!, 0.8 / 1.5, accuracy: 1e-6, "b is absent from the truth")
    }
}
