import XCTest
@testable import Render

/// `Footprint.overlaps` skips the exact distance test when the pieces' bounding boxes are
/// farther apart than their radii; that is exact only if the box gap never exceeds the distance.
final class FootprintGapTests: XCTestCase {
    func testBoxGapNeverExceedsTheDistance() {
        var rng = SystemRandomNumberGenerator()
        var apart = 0
        for _ in 0..<5000 {
            func points(_ n: Int) -> [SIMD2<Double>] {
                let centre = SIMD2(Double.random(in: -50...50, using: &rng), Double.random(in: -50...50, using: &rng))
                return (0..<n).map { _ in centre + SIMD2(Double.random(in: -10...10, using: &rng), Double.random(in: -10...10, using: &rng)) }
            }
            let a = points(Int.random(in: 1...5, using: &rng)), b = points(Int.random(in: 1...5, using: &rng))
            let gap = Footprint.boxGap(a, b), distance = Footprint.distance(a, b)
            XCTAssertLessThanOrEqual(gap, distance + 1e-9, "\(a) \(b)")
            if gap > 0 { apart += 1 }
        }
        XCTAssertGreaterThan(apart, 1000)
    }

    func testDistanceToAnEmptySetIsInfinite() {
        XCTAssertEqual(Footprint.distance([], [SIMD2(0, 0)]), .infinity)
        XCTAssertEqual(Footprint.distance([SIMD2(0, 0), SIMD2(1, 0), SIMD2(0, 1)], []), .infinity)
        XCTAssertEqual(Footprint.distance([SIMD2(3, 4)], [SIMD2(0, 0)]), 5)
    }
}
