import NN
import Tensor
import XCTest

final class LearningTests: XCTestCase {
    /// Two interleaved spirals-like blobs: label = 1 when x·y > 0 (XOR of signs), not linearly separable.
    func xorData(_ n: Int, seed: UInt64) -> (Tensor, [Int]) {
        var rng = SplitMix64(seed: seed)
        let x = Tensor.uniform([n, 2], lo: -1, hi: 1, rng: &rng)
        let labels = (0..<n).map { x.data[2 * $0] * x.data[2 * $0 + 1] > 0 ? 1 : 0 }
        return (x, labels)
    }

    func testMLPLearnsXORWithAdam() {
        let model = Sequential([Linear(2, 32, seed: 1), Function.relu, Linear(32, 2, seed: 2)])
        let optimizer = Adam(model.trainableParameters, learningRate: 0.02)
        let (x, labels) = xorData(256, seed: 3)
        let initial = Tensor.crossEntropyLoss(model(x), labels: labels).scalar
        var loss: Float = .infinity
        for _ in 0..<300 {
            let l = Tensor.crossEntropyLoss(model(x), labels: labels)
            loss = l.scalar
            optimizer.step(model.gradients(of: l))
        }
        XCTAssertGreaterThan(initial, 0.6)
        XCTAssertLessThan(loss, 0.15)
        let (test, testLabels) = xorData(200, seed: 4)
        let predictions = withoutGradients { model(test) }.data
        let correct = (0..<200).filter { (predictions[2 * $0 + 1] > predictions[2 * $0] ? 1 : 0) == testLabels[$0] }.count
        XCTAssertGreaterThan(correct, 180)
    }

    /// 8×8 images: a bright horizontal or vertical bar at a random place; classify orientation.
    func barImages(_ n: Int, seed: UInt64) -> (Tensor, [Int]) {
        var rng = SplitMix64(seed: seed)
        var data = [Float](repeating: 0, count: n * 64)
        var labels: [Int] = []
        for i in 0..<n {
            let vertical = rng.next() % 2 == 0, at = Int(rng.next() % 8)
            for k in 0..<8 {
                data[i * 64 + (vertical ? k * 8 + at : at * 8 + k)] = 1
            }
            for k in 0..<64 { data[i * 64 + k] += 0.2 * rng.nextUniform() }
            labels.append(vertical ? 1 : 0)
        }
        return (Tensor(shape: [n, 1, 8, 8], data: data), labels)
    }

    func testSmallCNNLearnsBarOrientationWithSGDMomentum() {
        let model = Sequential([
            Conv2d(1, 8, kernel: 3, padding: .same, seed: 5), BatchNorm2d(8), Function.relu,
            Function { $0.maxPool2d(kernel: (2, 2)) },
            DepthwiseConv2d(channels: 8, kernel: 3, seed: 6), Function.relu,
            Function { $0.globalAvgPool2d() }, Linear(8, 2, seed: 7),
        ])
        let optimizer = SGD(model.trainableParameters, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
        let (x, labels) = barImages(64, seed: 8)
        var loss: Float = .infinity
        for step in 0..<60 {
            optimizer.learningRate = StepLR(base: 0.1, stepSize: 40, gamma: 0.5).rate(epoch: step)
            let l = Tensor.crossEntropyLoss(model(x), labels: labels)
            loss = l.scalar
            optimizer.step(clipGradientNorm(model.gradients(of: l), maxNorm: 5).gradients)
        }
        XCTAssertLessThan(loss, 0.2)
        model.isTraining = false
        let (test, testLabels) = barImages(100, seed: 9)
        let logits = withoutGradients { model(test) }.data
        let correct = (0..<100).filter { (logits[2 * $0 + 1] > logits[2 * $0] ? 1 : 0) == testLabels[$0] }.count
        XCTAssertGreaterThan(correct, 90)
    }

    func testLayerGradients() {
        let linear = Linear(3, 4, seed: 1)
        let x = Tensor.uniform([5, 3], lo: -1, hi: 1, rng: &rngForTests)
        let r = checkGradients([x, linear.weight.value, linear.bias!.value]) { t in
            t[0].matmul(t[1], transposeB: true) + t[2]
        }
        XCTAssertTrue(r.passed, "\(r)")
        let grads = linear.gradients(of: linear(x).sum())
        XCTAssertEqual(grads.count, 2)
        XCTAssertEqual(grads[1].data, [5, 5, 5, 5])
    }
}

nonisolated(unsafe) var rngForTests = SplitMix64(seed: 99)
