import XCTest
import Tensor

final class ShapeGradientTests: XCTestCase {
    func testShapeOpGradients() {
        let x = random([2, 3, 4], seed: 11)
        assertGradients([x]) { $0[0].reshaped([4, -1]) }
        assertGradients([x]) { $0[0].permuted([2, 0, 1]) }
        assertGradients([x]) { $0[0].transposed() }
        assertGradients([x]) { $0[0].slice(axis: 1, 1..<3) }
        assertGradients([x]) { $0[0].reversed(axis: 1) * x }
        assertGradients([x]) { $0[0].gather(axis: 2, indices: [3, 0, 3, 1]) }
        assertGradients([x]) { $0[0].padded([(0, 0), (1, 2), (2, 0)], value: 0.5) }
        let y = random([2, 2, 4], seed: 12)
        assertGradients([x, y]) { Tensor.concat([$0[0], $0[1], $0[0]], axis: 1) }
        assertGradients([x, x]) { Tensor.stack([$0[0], $0[1]], axis: 1) }
    }

    func testShapeOpValues() {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.transposed().data, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).data, [2, 3, 5, 6])
        XCTAssertEqual(x.reversed(axis: 1).data, [3, 2, 1, 6, 5, 4])
        XCTAssertEqual(x.reversed(axis: 0).data, [4, 5, 6, 1, 2, 3])
        XCTAssertEqual(x.reversed(axis: -1).reversed(axis: 1).data, x.data)
        XCTAssertEqual(Tensor.concat([x, x], axis: 0).shape, [4, 3])
        XCTAssertEqual(Tensor.stack([x, x], axis: 2).shape, [2, 3, 2])
        XCTAssertEqual(x.gather(axis: 0, indices: [1, 1]).data, [4, 5, 6, 4, 5, 6])
        XCTAssertEqual(x.padded([(0, 0), (1, 0)]).data, [0, 1, 2, 3, 0, 4, 5, 6])
        XCTAssertEqual(x.reshaped([3, 2])[2, 1], 6)
    }

    func testMatMulGradientsAllLayouts() {
        let a = random([3, 4], seed: 13), b = random([4, 5], seed: 14)
        assertGradients([a, b]) { $0[0].matmul($0[1]) }
        let at = random([4, 3], seed: 15), bt = random([5, 4], seed: 16)
        assertGradients([at, b]) { $0[0].matmul($0[1], transposeA: true) }
        assertGradients([a, bt]) { $0[0].matmul($0[1], transposeB: true) }
        assertGradients([at, bt]) { $0[0].matmul($0[1], transposeA: true, transposeB: true) }
        let ba = random([2, 3, 4], seed: 17), bb = random([2, 4, 5], seed: 18)
        assertGradients([ba, bb]) { $0[0].matmul($0[1]) }
        assertGradients([ba, b]) { $0[0].matmul($0[1]) }
        assertGradients([a, bb]) { $0[0].matmul($0[1]) }
        assertGradients([random([2, 4, 3], seed: 19), bb]) { $0[0].matmul($0[1], transposeA: true) }
    }

    func testMatMulMatchesNaiveProduct() {
        let a = random([7, 9], seed: 20), b = random([9, 5], seed: 21)
        let c = a.matmul(b)
        var expected = [Float](repeating: 0, count: 35)
        for i in 0..<7 { for j in 0..<5 { for k in 0..<9 { expected[i * 5 + j] += a[i, k] * b[k, j] } } }
        assertClose(c, Tensor(shape: [7, 5], data: expected), tol: 1e-5)
        assertClose(a.matmul(b.transposed(), transposeB: true), c)
        assertClose(a.transposed().matmul(b, transposeA: true), c)
    }
}
