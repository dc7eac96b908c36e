import XCTest
@testable import MetaSim

final class AttributeMovesTests: XCTestCase {
    /// Two mutable columns (0 and 2) of a `[1 graph, 4 nodes, 3 columns]` layout; column 1 and
    /// the padding row (node 3) are not mutable.
    let mean: [Float] = [0.2, 9, 0.9, 0.5, 9, 0.6, 0.7, 9, 0.3, 0, 0, 0]
    let mask: [Float] = [1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0]
    let target: [Float] = [0.3, 0, 0.5]

    /// R(a) = −Σ over mutable entries of (a − tⱼ)².
    func reward(_ a: [Float]) -> Double {
        var total = 0.0
        for i in a.indices where mask[i] != 0 {
            let d = Double(a[i] - target[i % 3])
            total -= d * d
        }
        return total
    }

    /// ∂R/∂δⱼ = −2 Σᵢ (μᵢⱼ − tⱼ); ∂R/∂sⱼ = −2 Σᵢ (μᵢⱼ − tⱼ)(μᵢⱼ − cⱼ), at u = 0.
    func analyticMoveGradient(_ moves: AttributeMoves) -> [Double] {
        moves.columns.flatMap { column -> [Double] in
            let c = column.reduce(0.0) { $0 + Double(mean[$1]) } / Double(column.count)
            let t = Double(target[column[0] % 3])
            return [column.reduce(0.0) { $0 - 2 * (Double(mean[$1]) - t) },
                    column.reduce(0.0) { $0 - 2 * (Double(mean[$1]) - t) * (Double(mean[$1]) - c) }]
        }
    }

    func testColumnsAndMovesTouchOnlyMutableEntries() {
        let moves = AttributeMoves(mask: mask, width: 3, sigma: 0.1)
        XCTAssertEqual(moves.columns, [[0, 3, 6], [2, 5, 8]])
        let moved = moves.apply([0.1, log(0.5), -0.2, 0], to: mean)
        // Column 0: centre 1.4 / 3, halved about it, then shifted by 0.1.
        let c: Float = 1.4 / 3
        XCTAssertEqual(moved[0], c + 0.5 * (0.2 - c) + 0.1, accuracy: 1e-6)
        XCTAssertEqual(moved[6], c + 0.5 * (0.7 - c) + 0.1, accuracy: 1e-6)
        XCTAssertEqual(moved[5], 0.6 - 0.2, accuracy: 1e-6)
        for i in [1, 4, 7, 9, 10, 11] { XCTAssertEqual(moved[i], mean[i]) }
    }

    /// The analytic move gradient agrees with central finite differences of R(apply(u)).
    func testAnalyticMoveGradientMatchesFiniteDifferences() {
        let moves = AttributeMoves(mask: mask, width: 3, sigma: 0.1)
        let want = analyticMoveGradient(moves)
        for k in 0..<moves.dimension {
            var u = [Float](repeating: 0, count: moves.dimension)
            u[k] = 1e-3
            let plus = reward(moves.apply(u, to: mean))
            u[k] = -1e-3
            let fd = (plus - reward(moves.apply(u, to: mean))) / 2e-3
            XCTAssertEqual(fd, want[k], accuracy: 1e-3, "coordinate \(k)")
        }
    }

    /// The mean of many antithetic estimates is the move gradient (σ small: the smoothing bias of
    /// the exponential spread is O(σ²)), within a few standard errors; each estimate's variance
    /// is far below that of per-entry REINFORCE with the same σ.
    func testAntitheticEstimateIsUnbiased() {
        let moves = AttributeMoves(mask: mask, width: 3, sigma: 0.02)
        let want = analyticMoveGradient(moves)
        var generator = MMDTests.LCG(state: 7)
        let trials = 4000
        var sums = [Double](repeating: 0, count: moves.dimension), squares = sums
        for _ in 0..<trials {
            let e = moves.direction(using: &generator)
            let g = moves.gradient(direction: e, rewardPlus: reward(moves.apply(e.map { moves.sigma * $0 }, to: mean)),
                                   rewardMinus: reward(moves.apply(e.map { -moves.sigma * $0 }, to: mean)))
            for k in g.indices { sums[k] += Double(g[k]); squares[k] += Double(g[k] * g[k]) }
        }
        for k in 0..<moves.dimension {
            let m = sums[k] / Double(trials)
            let se = ((squares[k] / Double(trials) - m * m) / Double(trials)).squareRoot()
            XCTAssertEqual(m, want[k], accuracy: 4 * se + 2e-3, "coordinate \(k): se \(se)")
        }
    }

    /// `entryGradient` is the entries' displacement under the move `u = η·ĝ`, per unit η and
    /// entry count (finite differences of `apply`).
    func testEntryGradientIsTheMovesDisplacement() {
        let moves = AttributeMoves(mask: mask, width: 3, sigma: 0.1)
        let g: [Float] = [0.7, -1.3, 0.2, 2.5]
        let entries = moves.entryGradient(g, mean: mean)
        let eta: Float = 1e-3
        let plus = moves.apply(g.map { eta * $0 }, to: mean), minus = moves.apply(g.map { -eta * $0 }, to: mean)
        for i in mean.indices {
            XCTAssertEqual(entries[i] * 3, (plus[i] - minus[i]) / (2 * eta), accuracy: 1e-3, "entry \(i)")
        }
        for i in mean.indices where mask[i] == 0 { XCTAssertEqual(entries[i], 0) }
    }

    /// Learning on a toy problem with a known answer: values spread over two columns, reward
    /// −Σ (a − t)² (best: every value at its column's target). Ascending the entries along
    /// `entryGradient` of one antithetic pair per step moves each column's mean to its target
    /// and contracts its spread (the spread's gradient shrinks with the spread: a hyperbolic,
    /// not exponential, approach).
    func testAscentAlongEstimatesReachesTheTarget() {
        var values = mean
        let moves = AttributeMoves(mask: mask, width: 3, sigma: 0.05)
        var generator = MMDTests.LCG(state: 11)
        for _ in 0..<2000 {
            let e = moves.direction(using: &generator)
            let g = moves.gradient(direction: e, rewardPlus: reward(moves.apply(e.map { moves.sigma * $0 }, to: values)),
                                   rewardMinus: reward(moves.apply(e.map { -moves.sigma * $0 }, to: values)))
            let step = moves.entryGradient(g, mean: values)
            for i in values.indices { values[i] += 0.2 * step[i] }
        }
        for column in moves.columns {
            let entries = column.map { values[$0] }
            XCTAssertEqual(entries.reduce(0, +) / 3, target[column[0] % 3], accuracy: 0.01, "\(entries)")
            XCTAssertLessThan(entries.max()! - entries.min()!, 0.12, "spread 0.5 / 0.6 at the start: \(entries)")
        }
        XCTAssertGreaterThan(reward(values), 0.02 * reward(mean))
        XCTAssertEqual(values.indices.filter { mask[$0] == 0 }.map { values[$0] }, [9, 9, 9, 0, 0, 0])
    }
}
