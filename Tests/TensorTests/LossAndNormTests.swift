import XCTest
import Tensor

final class LossAndNormTests: XCTestCase {
    func testLossGradients() {
        let p = random([4, 3], seed: 51), t = random([4, 3], seed: 52)
        assertGradients([p, t]) { Tensor.mseLoss($0[0], $0[1]) }
        assertGradients([p]) { Tensor.crossEntropyLoss($0[0], labels: [0, 2, 1, 2]) }
        assertGradients([p]) { Tensor.crossEntropyLoss($0[0], labels: [0, 2, 1, 2], classWeights: [1, 2, 0.5]) }
        assertGradients([p]) { Tensor.nllLoss($0[0].logSoftmax(axis: 1), labels: [1, 1, 0, 2]) }
        let targets = random([4, 3], seed: 53, lo: 0, hi: 1)
        assertGradients([p, targets]) { Tensor.binaryCrossEntropyWithLogits($0[0], $0[1]) }
        let probs = random([4, 3], seed: 54, lo: 0.1, hi: 0.9)
        assertGradients([probs, targets]) { Tensor.binaryCrossEntropy($0[0], $0[1]) }
        let std = random([3], seed: 55, lo: 0.5, hi: 2)
        assertGradients([p, t, std]) { Tensor.gaussianLogDensity($0[0], mean: $0[1], std: $0[2]) }
    }

    func testLossValues() {
        let logits = Tensor(shape: [1, 2], data: [0, 0])
        XCTAssertEqual(Tensor.crossEntropyLoss(logits, labels: [1]).scalar, Float(log(2.0)), accuracy: 1e-6)
        let d = Tensor.gaussianLogDensity(Tensor(0), mean: Tensor(0), std: Tensor(1)).scalar
        XCTAssertEqual(d, Float(-0.5 * log(2 * Double.pi)), accuracy: 1e-6)
        XCTAssertEqual(Tensor.mseLoss(Tensor(shape: [2], data: [1, 3]), Tensor(shape: [2], data: [0, 0])).scalar, 5)
        let bce = Tensor.binaryCrossEntropyWithLogits(Tensor(shape: [1], data: [50]), Tensor(shape: [1], data: [1]))
        XCTAssertEqual(bce.scalar, 0, accuracy: 1e-6)
    }

    func testBatchNormGradientsAndStatistics() {
        let x = random([4, 3, 2, 2], seed: 56, lo: -2, hi: 3)
        let gamma = random([3], seed: 57, lo: 0.5, hi: 1.5), beta = random([3], seed: 58)
        assertGradients([x, gamma, beta]) { $0[0].batchNormTraining(gamma: $0[1], beta: $0[2]).output }
        let mean = random([3], seed: 59), variance = random([3], seed: 60, lo: 0.5, hi: 2)
        assertGradients([x, gamma, beta]) {
            $0[0].batchNormInference(mean: mean, variance: variance, gamma: $0[1], beta: $0[2], epsilon: 1e-3)
        }
        let (y, mu, _) = x.batchNormTraining(gamma: .ones([3]), beta: .zeros([3]))
        XCTAssertEqual(mu.shape, [3])
        let perChannelMean = y.mean(axes: [0, 2, 3])
        for v in perChannelMean.data { XCTAssertEqual(v, 0, accuracy: 1e-5) }
        let perChannelVar = y.squared().mean(axes: [0, 2, 3])
        for v in perChannelVar.data { XCTAssertEqual(v, 1, accuracy: 1e-2) }
    }

    func testDropout() {
        var rng = SplitMix64(seed: 1)
        let x = Tensor.ones([10_000])
        let y = x.dropout(0.25, rng: &rng)
        let zeros = y.data.filter { $0 == 0 }.count
        XCTAssertEqual(Double(zeros) / 10_000, 0.25, accuracy: 0.02)
        XCTAssertEqual(y.data.first { $0 != 0 }!, 1 / 0.75, accuracy: 1e-6)
        XCTAssertEqual(y.mean().scalar, 1, accuracy: 0.05)
        let small = random([20], seed: 61)
        assertGradients([small]) { xs in var r = SplitMix64(seed: 9); return xs[0].dropout(0.5, rng: &r) }
    }
}
