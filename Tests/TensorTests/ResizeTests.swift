import XCTest
import Tensor

/// Bilinear resize (separable kernel) against the four-tap definition with half-pixel centres,
/// up and down, odd sizes; its gradient against finite differences.
final class ResizeTests: XCTestCase {
    func testMatchesFourTapDefinition() {
        let x = random([2, 3, 5, 7], seed: 61)
        for (oh, ow) in [(10, 14), (3, 4), (8, 5), (5, 7)] {
            let y = x.resizedBilinear(height: oh, width: ow)
            func tap(_ d: Int, _ out: Int, _ inSize: Int) -> (Int, Int, Float) {
                let s = max((Float(d) + 0.5) * Float(inSize) / Float(out) - 0.5, 0)
                let i0 = min(Int(s), inSize - 1)
                return (i0, min(i0 + 1, inSize - 1), s - Float(i0))
            }
            var expected = [Float]()
            for p in 0..<6 { for oy in 0..<oh { for ox in 0..<ow {
                let (y0, y1, fy) = tap(oy, oh, 5), (x0, x1, fx) = tap(ox, ow, 7)
                func v(_ r: Int, _ c: Int) -> Float { x.data[p * 35 + r * 7 + c] }
                expected.append((v(y0, x0) * (1 - fx) + v(y0, x1) * fx) * (1 - fy) + (v(y1, x0) * (1 - fx) + v(y1, x1) * fx) * fy)
            } } }
            assertClose(y, Tensor(shape: [2, 3, oh, ow], data: expected), tol: 1e-6)
            assertGradients([x]) { $0[0].resizedBilinear(height: oh, width: ow) }
        }
    }
}
