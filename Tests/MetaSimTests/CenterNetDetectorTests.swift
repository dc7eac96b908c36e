import NN
import Scene
import Tensor
import XCTest
@testable import MetaSim

/// The detection task network: its loss's gradient against finite differences, targets and
/// decoding by hand, and learning a toy set with a known answer (one bright box per image).
final class CenterNetDetectorTests: XCTestCase {
    let objects: [[LabelledBox]] = [
        [LabelledBox(classIndex: 0, box: PixelBox(x0: 3, y0: 2, x1: 15, y1: 11)),
         LabelledBox(classIndex: 1, box: PixelBox(x0: 12, y0: 5, x1: 22, y1: 15))],
        [LabelledBox(classIndex: 1, box: PixelBox(x0: 0, y0: 0, x1: 9, y1: 7)),
         LabelledBox(classIndex: nil, box: PixelBox(x0: 10, y0: 0, x1: 20, y1: 10))],
    ]

    /// Loss gradient (hand-derived focal and L1 terms) against central differences at every
    /// entry of a random output `[2, 2 + 4, 4, 6]`.
    func testLossGradientMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 5)
        let shape = [2, 6, 4, 6]
        let output = Tensor.normal(shape, std: 1.5, rng: &rng).requiringGrad()
        let loss = centerNetLoss(output, objects: objects, classes: 2, stride: 4)
        let analytic = gradients(of: loss, wrt: [output])[0].data
        func value(_ data: [Float]) -> Double {
            Double(centerNetLoss(Tensor(shape: shape, data: data), objects: objects, classes: 2, stride: 4).scalar)
        }
        let h: Float = 1e-2
        var checked = 0
        for i in 0..<output.count {
            var plus = output.data, minus = output.data
            plus[i] += h; minus[i] -= h
            let numeric = (value(plus) - value(minus)) / Double(2 * h)
            XCTAssertEqual(Double(analytic[i]), numeric, accuracy: 2e-3 + 0.02 * abs(numeric), "entry \(i)")
            checked += 1
        }
        XCTAssertEqual(checked, 288)
        XCTAssertGreaterThan(analytic.map { abs($0) }.max()!, 0.05, "the gradient is not trivially zero")
    }

    /// The gradient reaches the network's parameters: autodiff through the detector (batch norms
    /// on batch statistics) against central differences on a few weights of the first and last
    /// convolutions and of two batch norms.
    func testNetworkParameterGradientsMatchFiniteDifferences() {
        var rng = SplitMix64(seed: 9)
        let net = CenterNetDetector(channels: 1, classes: 2, seed: 3)
        let images = Tensor.uniform([2, 1, 32, 32], rng: &rng)
        let boxes = objects.map { $0.map { var o = $0; o.box = PixelBox(x0: o.box.x0, y0: o.box.y0, x1: o.box.x1 + 6, y1: o.box.y1 + 8); return o } }
        func loss() -> Tensor { centerNetLoss(net(images), objects: boxes, classes: 2, stride: 4) }
        let grads = net.gradients(of: loss())
        let params = net.trainableParameters
        func at(_ name: String) -> Int {
            let parameter = net.namedParameters.first { $0.name == name }!.parameter
            return params.firstIndex { $0 === parameter }!
        }
        for (p, index) in [(at("stem.weight"), 4), (at("stem.weight"), 100), (at("head2.weight"), 7), (at("head2.bias"), 0),
                           (at("head2.bias"), 3), (at("conv8_norm.weight"), 5), (at("head1_norm.bias"), 2)] {
            let original = params[p].value
            func at(_ delta: Float) -> Double {
                var data = original.data
                data[index] += delta
                params[p].value = Tensor(shape: original.shape, data: data)
                defer { params[p].value = original }
                return Double(withoutGradients { loss() }.scalar)
            }
            let h: Float = 5e-3
            let numeric = (at(h) - at(-h)) / Double(2 * h)
            XCTAssertEqual(Double(grads[p].data[index]), numeric, accuracy: 3e-3 + 0.05 * abs(numeric), "parameter \(p)[\(index)]")
        }
    }

    /// Targets by hand: a 12×9 px box at (3, 2) has its centre (9, 6.5) px in cell (2, 1) of a
    /// stride-4 map, offset (0.25, 0.625), log sizes log 3, log 2.25; the heatmap is 1 there.
    func testTargetsByHand() {
        let t = CenterNetTargets(objects: [[objects[0][0]]], batch: 1, classes: 1, height: 4, width: 6, stride: 4)
        XCTAssertEqual(t.objectCount, 1)
        XCTAssertEqual(t.heatmap[1 * 6 + 2], 1)
        XCTAssertEqual(t.heatmap.filter { $0 == 1 }.count, 1)
        XCTAssertEqual(t.regressions.count, 1)
        XCTAssertEqual(t.regressions[0].cell, 8)
        let v = t.regressions[0].values
        XCTAssertEqual(v[0], 0.25, accuracy: 1e-12); XCTAssertEqual(v[1], 0.625, accuracy: 1e-12)
        XCTAssertEqual(v[2], log(3.0), accuracy: 1e-12); XCTAssertEqual(v[3], log(2.25), accuracy: 1e-12)
    }

    /// Decoding inverts the targets: an output holding a box's regression targets and a single
    /// heatmap peak gives that box back.
    func testDecodingInvertsTargets() {
        let o = objects[0][0]
        let t = CenterNetTargets(objects: [[o]], batch: 1, classes: 1, height: 4, width: 6, stride: 4)
        var data = [Float](repeating: -5, count: 5 * 24)
        for (i, v) in t.heatmap.enumerated() where v == 1 { data[i] = 3 }
        for (j, v) in t.regressions[0].values.enumerated() { data[(1 + j) * 24 + t.regressions[0].cell] = Float(v) }
        let found = centerNetDetections(Tensor(shape: [1, 5, 4, 6], data: data), classes: 1, stride: 4)[0]
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found[0].box.iou(o.box), 1, accuracy: 1e-5)
        XCTAssertEqual(found[0].score, 1 / (1 + exp(-3.0)), accuracy: 1e-6)
    }

    /// One bright box per 32×32 image, random place and size: after training the detector finds
    /// them on held-out images (AP at IoU 0.5 and 0.7, no height or occlusion filter).
    func testLearnsOneBoxPerImage() {
        let train = toy(96, seed: 1), test = toy(32, seed: 2)
        let network = TaskNetwork(kind: .detection, canvas: Canvas(width: 32, height: 32, channels: 1), classes: ["box"], seed: 4)
        var losses: [Float] = []
        network.train(on: train, epochs: 30, batchSize: 16, learningRate: 0.003, seed: 5) { losses.append($0) }
        let detections = network.detect(test.images)
        func ap(_ iou: Double) -> Double {
            kittiAveragePrecision(detections: detections, groundTruth: test.objects, classIndex: 0,
                                  criteria: DetectionCriteria(minimumHeight: 0, maximumOcclusion: 3, maximumTruncation: 1, iou: iou))!
        }
        XCTAssertLessThan(losses.suffix(6).reduce(0, +), losses.prefix(6).reduce(0, +) / 4, "loss falls")
        XCTAssertGreaterThan(ap(0.5), 0.9, "AP@0.5 \(ap(0.5))")
        XCTAssertGreaterThan(ap(0.7), 0.85, "AP@0.7 \(ap(0.7))")
    }

    /// `centernet_fit` is exp(−L) for L the CenterNet loss per object over the set: each
    /// batch's loss (divided by its object count) weighted back by that count; it rises as the
    /// detector learns.
    func testCenterNetFitIsExpOfLossPerObject() {
        let data = toy(10, seed: 3)
        let network = TaskNetwork(kind: .detection, canvas: Canvas(width: 32, height: 32, channels: 1), classes: ["box"], seed: 4)
        func byHand() -> Double {
            var (total, count) = (0.0, 0.0)
            network.inference {   // batch norms on their running statistics, as scores use them
                for range in [0..<4, 4..<8, 8..<10] {
                    let (x, _, boxes) = data.batch(Array(range))
                    total += Double(centerNetLoss(network.network(x), objects: boxes, classes: 1, stride: CenterNetDetector.stride).scalar) * Double(range.count)
                    count += Double(range.count)
                }
            }
            return exp(-total / count)
        }
        let before = network.softScores(on: data, batchSize: 4)["centernet_fit"]!
        XCTAssertEqual(before, byHand(), accuracy: 1e-6)
        XCTAssertEqual(network.softScores(on: data, batchSize: 64)["centernet_fit"]!, before, accuracy: 1e-4, "one batch or three")
        network.train(on: toy(64, seed: 1), epochs: 10, batchSize: 16, learningRate: 0.003, seed: 5)
        let after = network.softScores(on: data, batchSize: 4)["centernet_fit"]!
        XCTAssertEqual(after, byHand(), accuracy: 1e-6)
        XCTAssertGreaterThan(after, before * 2, "fit \(before) → \(after)")
        XCTAssertEqual(TaskNetwork.softScoreNames(kind: .detection, classes: ["box"]), ["centernet_fit"])
    }
}

extension CenterNetDetectorTests {
    /// `n` 32×32 images of one bright box each (random place and size, 8–20 px) on faint noise.
    private func toy(_ n: Int, seed: UInt64) -> TaskSet {
        var rng = SplitMix64(seed: seed)
        var pixels = [Float](repeating: 0, count: n * 32 * 32), boxes: [[LabelledBox]] = []
        for i in 0..<n {
            let w = 8 + Int(rng.next() % 13), h = 8 + Int(rng.next() % 13)
            let x0 = Int(rng.next() % UInt64(33 - w)), y0 = Int(rng.next() % UInt64(33 - h))
            for y in y0..<(y0 + h) { for x in x0..<(x0 + w) { pixels[(i * 32 + y) * 32 + x] = 0.9 } }
            boxes.append([LabelledBox(classIndex: 0, box: PixelBox(x0: Double(x0), y0: Double(y0), x1: Double(x0 + w), y1: Double(y0 + h)))])
        }
        for k in pixels.indices { pixels[k] += 0.1 * rng.nextUniform() }
        return TaskSet(kind: .detection, images: Tensor(shape: [n, 1, 32, 32], data: pixels), labels: [], classes: ["box"], objects: boxes)
    }
}
