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

    /// `overlaps` answers "apart" without the separating-axis test when two footprints of
    /// convex pieces (rectangles, sprites) have bounding boxes apart: exact only if that test
    /// never finds overlap between two rotated rectangles whose boxes are apart, down to gaps of
    /// a few 1e-9 px.
    func testRectanglesWithBoxesApartNeverOverlap() {
        var rng = TestRandom(state: 15)
        var apart = 0
        for trial in 0..<20_000 {
            func rectangle(_ centre: SIMD2<Double>) -> [SIMD2<Double>] {
                let (hx, hy) = (rng.uniform(0.5, 20), rng.uniform(0.5, 20))
                let angle = trial % 4 == 0 ? 0 : rng.uniform(-Double.pi, Double.pi)
                let (c, s) = (cos(angle), sin(angle))
                return [SIMD2(-hx, -hy), SIMD2(hx, -hy), SIMD2(hx, hy), SIMD2(-hx, hy)].map { centre + SIMD2(c * $0.x - s * $0.y, s * $0.x + c * $0.y) }
            }
            let a = rectangle(SIMD2(rng.uniform(0, 128), rng.uniform(0, 128)))
            var b = rectangle(SIMD2(rng.uniform(0, 128), rng.uniform(0, 128)))
            // Half the pairs moved to a box gap of about 3e-9 to 1e-3 px along x.
            if trial % 2 == 0 {
                let aHi = a.map(\.x).max()!, bLo = b.map(\.x).min()!
                let shift = aHi - bLo + pow(10, rng.uniform(-8.5, -3))
                b = b.map { $0 + SIMD2(shift, 0) }
            }
            let gap = Footprint.boxGap(a, b)
            guard gap > 1e-9 else { continue }
            apart += 1
            let intersect = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in Footprint.interiorsIntersect(pa, pb) } }
            XCTAssertFalse(intersect, "\(a) \(b) gap \(gap)")
        }
        XCTAssertGreaterThan(apart, 10_000)
    }

    func testDistanceToAnEmptySetIsInfinite() {
        XCTAssertEqual(Footprint.distance([], [SIMD2(0, 0)]), .infinity)
        XCTAssertEqual(Footprint.distance([SIMD2(0, 0), SIMD2(1, 0), SIMD2(0, 1)], []), .infinity)
        XCTAssertEqual(Footprint.distance([SIMD2(3, 4)], [SIMD2(0, 0)]), 5)
    }
}
