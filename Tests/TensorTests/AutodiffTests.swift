import XCTest
import Foundation
import Tensor

final class AutodiffTests: XCTestCase {
    func testGradientAccumulatesOverSharedUses() {
        let x = Tensor(shape: [2], data: [3, -1]).requiringGrad()
        let y = (x * x + x * 2).sum()          // dy/dx = 2x + 2
        XCTAssertEqual(gradients(of: y, wrt: [x])[0].data, [8, 0])
    }

    func testUnrelatedAndConstantTensorsGetZeroGradients() {
        let x = Tensor(shape: [2], data: [1, 2]).requiringGrad()
        let z = Tensor(shape: [3], data: [1, 2, 3]).requiringGrad()
        let constant = Tensor(shape: [2], data: [5, 5])
        let grads = gradients(of: (x * constant).sum(), wrt: [z, constant, x])
        XCTAssertEqual(grads[0].data, [0, 0, 0])
        XCTAssertEqual(grads[1].data, [0, 0])
        XCTAssertEqual(grads[2].data, [5, 5])
    }

    func testNoGradScopeRecordsNothing() {
        let x = Tensor(shape: [2], data: [1, 2]).requiringGrad()
        let y = withoutGradients { x * 3 }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue((x * 3).requiresGrad)
        XCTAssertFalse(x.detached.requiresGrad)
    }

    func testCustomOpUsesUserVJP() {
        let x = Tensor(shape: [3], data: [1, 2, 3]).requiringGrad()
        let w = Tensor(shape: [2], data: [0.5, -1]).requiringGrad()
        // output = sin(x) computed "outside"; also depends on w through outer product
        let outside = Tensor(shape: [3], data: x.data.map { sin($0) })
        let y = Tensor.custom(inputs: [x.detached.requiringGrad() * 1, w], output: outside) { g in
            [Tensor(shape: [3], data: zip(g.data, x.data).map { $0 * cos($1) }), Tensor.ones([2])]
        }
        XCTAssertEqual(y.data, outside.data)
        let grads = gradients(of: (y * 2).sum(), wrt: [w])
        XCTAssertEqual(grads[0].data, [1, 1])
        // VJP vs finite differences through a custom op wrapping a differentiable function
        assertGradients([random([4], seed: 3)]) { xs in
            let v = xs[0]
            return Tensor.custom(inputs: [v], output: withoutGradients { v.tanh() * 2 }) { g in
                [g * (1 - v.tanh().squared()) * 2]
            }
        }
    }

    func testIndependentGraphsOnManyThreadsAgree() {
        let expected = gradients(of: (Tensor(shape: [3], data: [1, 2, 3]).requiringGrad().exp()).sum(),
                                 wrt: []).count
        XCTAssertEqual(expected, 0)
        let results = UnsafeMutableBufferPointer<Float>.allocate(capacity: 16)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let x = Tensor(shape: [3], data: [1, 2, Float(i)]).requiringGrad()
            let loss = i % 2 == 0 ? (x * x).sum() : withoutGradients { (x * x).sum() }
            results[i] = gradients(of: loss, wrt: [x])[0].data[2]
        }
        for i in 0..<16 { XCTAssertEqual(results[i], i % 2 == 0 ? 2 * Float(i) : 0) }
    }

    func testValueSemantics() {
        var a = Tensor(shape: [2], data: [1, 2])
        let b = a
        a = a + 1
        XCTAssertEqual(b.data, [1, 2])
        XCTAssertEqual(a.data, [2, 3])
    }

    func testGradientCheckerDetectsWrongVJP() {
        let result = checkGradients([random([4], seed: 5)]) { xs in
            Tensor.custom(inputs: [xs[0]], output: withoutGradients { xs[0] * 3 }) { g in [g * 2] }
        }
        XCTAssertFalse(result.passed)
    }
}
