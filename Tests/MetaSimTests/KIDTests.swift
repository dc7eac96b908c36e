import XCTest
@testable import MetaSim

/// KID against a NumPy reference computed once on fixed numbers:
/// `k = (x @ y.T / d + 1) ** 3`; off-diagonal means of Kxx and Kyy plus the full mean of Kxy × −2.
final class KIDTests: XCTestCase {
    let x: [Float] = [0.5, -1.0, 2.0, 1.5, 0.25, -0.5, -2.0, 1.0, 0.0, 0.0, 0.75, 1.25]  // 4 × 3
    let y: [Float] = [1.0, 1.0, -1.0, 0.5, -0.5, 0.5, 2.0, 0.0, 1.0]                    // 3 × 3

    func testMatchesTheNumPyReference() {
        XCTAssertEqual(kernelInceptionDistance(x, countX: 4, y, countY: 3, dimension: 3), -1.697770483699848, accuracy: 1e-9)
        // x against itself in reverse row order: only the diagonal terms differ from a biased MMD.
        let reversed = (0..<4).reversed().flatMap { Array(x[($0 * 3)..<($0 * 3 + 3)]) }
        XCTAssertEqual(kernelInceptionDistance(x, countX: 4, reversed, countY: 4, dimension: 3), -5.793162027994793, accuracy: 1e-9)
    }

    func testSymmetricAndLargerForFartherSets() {
        XCTAssertEqual(kernelInceptionDistance(x, countX: 4, y, countY: 3, dimension: 3),
                       kernelInceptionDistance(y, countX: 3, x, countY: 4, dimension: 3), accuracy: 1e-12)
        let near = y.map { $0 + 0.1 }, far = y.map { $0 + 3 }
        XCTAssertLessThan(kernelInceptionDistance(near, countX: 3, y, countY: 3, dimension: 3),
                          kernelInceptionDistance(far, countX: 3, y, countY: 3, dimension: 3))
    }
}
