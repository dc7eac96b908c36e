import Tensor
import XCTest

/// `sgemm` cuts products above `sgemmParallelMinimum` into fixed blocks of 64 rows multiplied on
/// several threads: the result is that of those blocks multiplied one after another on one
/// thread, bit for bit (so it does not depend on the threads), and the product up to rounding,
/// for every transpose combination and with beta (accumulation) too.
final class SGEMMSplitTests: XCTestCase {
    func testSplitProductEqualsOneCallBitForBit() throws {
        for m in [100, 257] { check(m: m) }
    }

    func check(m: Int) {
        let n = 150, k = 200                    // ≥ 3M multiply-adds: split
        let a = random([m * k], seed: 61).data, b = random([k * n], seed: 62).data, c0 = random([m * n], seed: 63).data
        for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
            for beta: Float in [0, 1] {
                var split = c0, serial = c0
                let (lda, ldb) = (transA ? m : k, transB ? k : n)
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in
                    split.withUnsafeMutableBufferPointer { cp in
                        sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, ap.baseAddress!, lda: lda,
                              bp.baseAddress!, ldb: ldb, beta: beta, cp.baseAddress!, ldc: n)
                    }
                    serial.withUnsafeMutableBufferPointer { cp in
                        for r0 in stride(from: 0, to: m, by: 64) {
                            let rows = min(64, m - r0)
                            sgemmSerial(transA: transA, transB: transB, m: rows, n: n, k: k, alpha: 0.5,
                                        ap.baseAddress! + (transA ? r0 : r0 * lda), lda: lda, bp.baseAddress!, ldb: ldb,
                                        beta: beta, cp.baseAddress! + r0 * n, ldc: n)
                        }
                    }
                } }
                let differing = zip(split, serial).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
                XCTAssertEqual(differing.count, 0, "rows \(Set(differing.map { $0 / n }).sorted()) differ; m \(m), transA \(transA), transB \(transB), beta \(beta)")
                // and it is the product: one element by definition
                var expected = beta * c0[3 * n + 7]
                for i in 0..<k { expected += 0.5 * a[transA ? i * m + 3 : 3 * k + i] * b[transB ? 7 * k + i : i * n + 7] }
                XCTAssertEqual(split[3 * n + 7], expected, accuracy: 1e-4)
            }
        }
    }
}
