import XCTest
import Tensor

final class ElementwiseGradientTests: XCTestCase {
    func testBinaryOpsBroadcastGradients() {
        let a = random([2, 3, 4], seed: 1), b = random([3, 1], seed: 2, lo: 0.5, hi: 2)
        assertGradients([a, b]) { $0[0] + $0[1] }
        assertGradients([a, b]) { $0[0] - $0[1] }
        assertGradients([a, b]) { $0[0] * $0[1] }
        assertGradients([a, b]) { $0[0] / $0[1] }
        assertGradients([b, a]) { $0[0] / ($0[1].squared() + 1) }
        let c = random([4], seed: 3)
        assertGradients([a, c]) { $0[1] * $0[0] - $0[1] }
        assertGradients([a]) { -($0[0] * 3 + 2) / 4 - 1 }
    }

    func testBroadcastValues() {
        let a = Tensor(shape: [2, 1], data: [1, 2]), b = Tensor(shape: [3], data: [10, 20, 30])
        XCTAssertEqual((a + b).data, [11, 21, 31, 12, 22, 32])
        XCTAssertEqual((a * b).shape, [2, 3])
        XCTAssertEqual(a.broadcast(to: [2, 2]).data, [1, 1, 2, 2])
        XCTAssertEqual(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]).sum(toShape: [1, 3]).data, [5, 7, 9])
    }

    func testUnaryGradients() {
        let x = random([3, 5], seed: 4, lo: 0.2, hi: 2)
        assertGradients([x]) { $0[0].exp() }
        assertGradients([x]) { $0[0].log() }
        assertGradients([x]) { $0[0].sqrt() }
        assertGradients([x]) { $0[0].pow(2.5) }
        assertGradients([x]) { $0[0].squared() }
        let y = random([3, 5], seed: 5, lo: -3, hi: 3)
        assertGradients([y]) { $0[0].sigmoid() }
        assertGradients([y]) { $0[0].tanh() }
        let k = randomAwayFromKinks([4, 6], seed: 6)
        assertGradients([k]) { $0[0].relu() }
        assertGradients([k]) { $0[0].relu6() }
        assertGradients([k]) { $0[0].abs() }
    }

    func testUnaryValuesAndEdgeCases() {
        let x = Tensor(shape: [4], data: [-1, 0, 3, 7])
        XCTAssertEqual(x.relu().data, [0, 0, 3, 7])
        XCTAssertEqual(x.relu6().data, [0, 0, 3, 6])
        XCTAssertTrue(Tensor(shape: [1], data: [.nan]).relu().data[0].isNaN)
        XCTAssertEqual(Tensor(shape: [1], data: [0]).log().data[0], -.infinity)
        let s = Tensor(shape: [2], data: [-100, 100]).sigmoid()
        XCTAssertEqual(s.data[0], 0, accuracy: 1e-6)
        XCTAssertEqual(s.data[1], 1, accuracy: 1e-6)
    }

    func testReductionGradients() {
        let x = random([2, 3, 4], seed: 7)
        assertGradients([x]) { $0[0].sum() }
        assertGradients([x]) { $0[0].mean() }
        assertGradients([x]) { $0[0].sum(axes: [1]) }
        assertGradients([x]) { $0[0].sum(axes: [0, 2], keepDims: true) }
        assertGradients([x]) { $0[0].mean(axes: [-1]) }
        let k = randomAwayFromKinks([2, 3, 4], seed: 8)
        assertGradients([k]) { $0[0].max(axis: 1) }
        assertGradients([k]) { $0[0].max(axis: -1, keepDims: true) }
        assertGradients([x]) { $0[0].softmax(axis: 1) }
        assertGradients([x]) { $0[0].logSoftmax(axis: -1) }
    }

    func testReductionValues() {
        let x = Tensor(shape: [2, 3], data: [1, 5, 3, 4, 2, 6])
        XCTAssertEqual(x.sum(axes: [0]).data, [5, 7, 9])
        XCTAssertEqual(x.sum(axes: [1]).data, [9, 12])
        XCTAssertEqual(x.max(axis: 1).data, [5, 6])
        XCTAssertEqual(x.mean().scalar, 3.5)
        let sm = x.softmax(axis: 1)
        XCTAssertEqual(sm.sum(axes: [1]).data[0], 1, accuracy: 1e-6)
        let big = Tensor(shape: [1, 2], data: [1000, 1000]).logSoftmax()
        XCTAssertEqual(big.data[0], -Float(log(2.0)), accuracy: 1e-5)
        XCTAssertEqual(Tensor.zeros([0, 3]).sum(axes: [0]).data, [0, 0, 0])
    }
}
