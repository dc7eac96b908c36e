import XCTest
import Tensor

/// Random tensor with values in [lo, hi), seeded.
func random(_ shape: [Int], seed: UInt64, lo: Float = -1, hi: Float = 1) -> Tensor {
    var rng = SplitMix64(seed: seed)
    return Tensor.uniform(shape, lo: lo, hi: hi, rng: &rng)
}

/// Random tensor whose entries keep at least `gap` away from each other's and from `kinks`
/// (for ops with kinks: relu at 0, relu6 at 6, max ties).
func randomAwayFromKinks(_ shape: [Int], seed: UInt64, lo: Float = -2, hi: Float = 8, kinks: [Float] = [0, 6]) -> Tensor {
    var t = random(shape, seed: seed, lo: lo, hi: hi)
    var values = t.data
    for i in values.indices {
        for k in kinks where abs(values[i] - k) < 0.05 { values[i] = k + 0.1 }
        values[i] += Float(i) * 1e-3   // break ties
    }
    t = Tensor(shape: shape, data: values)
    return t
}

func assertGradients(_ inputs: [Tensor], step: Float = 1e-2, rtol: Double = 2e-2, atol: Double = 2e-3,
                     file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor) {
    let result = checkGradients(inputs, step: step, rtol: rtol, atol: atol, f)
    XCTAssertTrue(result.passed, "gradient check failed: \(result)", file: file, line: line)
}

func assertClose(_ a: Tensor, _ b: Tensor, tol: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, file: file, line: line)
    guard a.shape == b.shape else { return }
    for i in 0..<a.count where !(abs(a.data[i] - b.data[i]) <= tol * max(1, abs(b.data[i]))) {
        XCTFail("element \(i): \(a.data[i]) vs \(b.data[i])", file: file, line: line)
        return
    }
}
