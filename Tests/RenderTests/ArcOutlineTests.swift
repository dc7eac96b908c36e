import XCTest
@testable import Render

/// Arc roads drawn from their exact distance (`ShapeOutline.arc`): which arcs are drawn so, the
/// kernel's `Float` distance against the arc's definition in `Double`, and the local box
/// `ArcShape.extent` against points along the arc. (Spans: ShapeRowsTests; counts beyond the
/// canvas: StrokeRowCountTests; gradients: RoadPlacementTests.)
final class ArcOutlineTests: XCTestCase {
    func testArcsUpToAHalfTurnAreDrawnExactly() {
        func isArc(_ arc: RoadArc) -> Bool { if case .arc = arc.drawnOutline { return true } else { return false } }
        XCTAssertTrue(isArc(RoadArc(length: 300, curvature: 0.006)))
        XCTAssertTrue(isArc(RoadArc(length: 300, curvature: -0.006)))
        XCTAssertTrue(isArc(RoadArc(length: 100, curvature: 0.0314)), "just under a half turn")
        XCTAssertFalse(isArc(RoadArc(length: 100, curvature: 0.0315)), "more than a half turn: a polyline")
        XCTAssertFalse(isArc(RoadArc(length: 300, curvature: 0)), "straight: one segment")
        XCTAssertFalse(isArc(RoadArc(length: 300, curvature: 1e-6)), "radius beyond RoadArc.largestArcRadius")
        XCTAssertEqual(RoadArc(length: 300, curvature: 0).drawnOutline, .polyline([SIMD2(-150, 0), SIMD2(150, 0)]))
    }

    func testKernelDistanceIsTheArcsDistance() {
        var rng = TestRandom(state: 5)
        var worst = 0.0, outsideWedge = 0, insideWedge = 0
        for _ in 0..<200 {
            let arc = RoadArc(length: rng.uniform(20, 400), curvature: rng.uniform(0.002, 0.05) * (rng.unit() < 0.5 ? 1 : -1))
            guard case .arc = arc.drawnOutline else { continue }
            let shape = ArcShape(arc)
            for _ in 0..<50 {
                // Points around the arc, near its ends too.
                let s = rng.uniform(-0.7, 0.7) * arc.length
                let point = arc.point(along: s, offset: rng.uniform(-30, 30)).point
                let p = SIMD2(Float(point.x), Float(point.y))
                let exact = exactArcDistance(SIMD2(Double(p.x), Double(p.y)), arc)
                let kernel = Double(arcDistance(p.x, p.y, shape))
                worst = max(worst, abs(kernel - exact))
                if abs(s) > arc.length / 2 { outsideWedge += 1 } else { insideWedge += 1 }
            }
        }
        XCTAssertLessThan(worst, 1e-3, "px")
        XCTAssertGreaterThan(outsideWedge, 1000)
        XCTAssertGreaterThan(insideWedge, 1000)
    }

    func testExtentHoldsTheWholeArc() {
        var rng = TestRandom(state: 9)
        for _ in 0..<100 {
            let arc = RoadArc(length: rng.uniform(20, 400), curvature: rng.uniform(0.002, 0.05) * (rng.unit() < 0.5 ? 1 : -1))
            guard case .arc = arc.drawnOutline else { continue }
            let (x0, x1, y0, y1) = ArcShape(arc).extent
            var lo = SIMD2(Double.infinity, .infinity), hi = -lo
            for i in 0...1000 {
                let p = arc.centreline(at: arc.length * (Double(i) / 1000 - 0.5))
                lo = pointwiseMin(lo, p)
                hi = pointwiseMax(hi, p)
            }
            // Contains every point, and is no larger than the points' box (the extreme points are on the arc).
            XCTAssertLessThanOrEqual(Double(x0), lo.x + 1e-3); XCTAssertGreaterThanOrEqual(Double(x1), hi.x - 1e-3)
            XCTAssertLessThanOrEqual(Double(y0), lo.y + 1e-3); XCTAssertGreaterThanOrEqual(Double(y1), hi.y - 1e-3)
            XCTAssertEqual(Double(x0), lo.x, accuracy: 0.05); XCTAssertEqual(Double(x1), hi.x, accuracy: 0.05)
            XCTAssertEqual(Double(y0), lo.y, accuracy: 0.05); XCTAssertEqual(Double(y1), hi.y, accuracy: 0.05)
        }
    }

    /// A near-horizontal arc whose arms cross rows on both sides of the canvas: the rows' `xs`
    /// leave out the gap between the arms (no more pixels evaluated one by one than for the arc's
    /// polyline, which `PolylineRows` narrows to the canvas).
    func testRowsLeaveOutTheGapBetweenArms() {
        let arc = RoadArc(length: 300, curvature: 0.006)
        var edges: [Int] = []
        for outline in [ShapeOutline.arc(arc), .polyline(arc.vertices)] {
            var p = SIMD16<Float>.zero
            p[LayerParameter.centreX.rawValue] = 72.4; p[LayerParameter.centreY.rawValue] = 73.9
            p[LayerParameter.rotation.rawValue] = 0.084
            p[LayerParameter.scaleX.rawValue] = 1; p[LayerParameter.scaleY.rawValue] = 1
            p[LayerParameter.halfWidth.rawValue] = 9; p[LayerParameter.opacity.rawValue] = 1
            let layer = Layer(content: .shape(outline), node: 0, className: "road", parameters: p, blend: .over, links: [])
            let box = layer.supportBox(width: 128, height: 128).clipped(width: 128, height: 128)
            let rows = ShapeRows(layer, width: 128, height: 128)
            var edge = 0
            withKernel(layer) { kernel in
                for y in box.y0..<box.y1 {
                    let (xs, full, _) = rows.row(y, box: box, kernel: kernel)
                    edge += xs.count - full.count
                }
            }
            edges.append(edge)
        }
        XCTAssertLessThanOrEqual(edges[0], edges[1], "pixels evaluated one by one: arc \(edges[0]), polyline \(edges[1])")
    }
}
