import Diagnostics
import Foundation
import Scene
import XCTest
@testable import Render
import TestSupport

/// `ProcessRendererPool` over the bundled toy bridge renderer: batch order, the same images for
/// any worker count, and errors that name the worker and the graph.
final class ProcessRendererPoolTests: XCTestCase {
    let toy = Repository.path("examples/bridge/toy_renderer.py")
    let canvas = Canvas(width: 12, height: 10)
    let classes = ["box", "disc"]

    /// Graph `i` draws a box whose position and size depend on `i`, so any reordering shows.
    func graph(_ i: Int, className: String = "box") -> SceneGraph {
        scene([node(className, numbers(["loc_x": 2.3 + 0.7 * Double(i % 11), "loc_y": 1.5 + 0.6 * Double(i % 9),
                                        "size_x": 2 + 0.35 * Double(i % 5), "size_y": 3, "yaw": 7 * Double(i), "intensity": 0.8])
                         .merging(["shape": .string("rect")]) { $1 }, mutable: ["loc_x"])],
              background: backdrop(numbers(["texture": 0.05 * Double(i % 4)])))
    }

    func pool(_ n: Int, command: [String]? = nil) throws -> ProcessRendererPool {
        try ProcessRendererPool(workers: (0..<n).map { _ in
            try ProcessRenderer(command: command ?? ["/usr/bin/python3", toy], canvas: canvas, classes: classes, timeout: 20)
        })
    }

    func testSharesAreContiguousBalancedAndCoverTheBatch() {
        for count in [1, 2, 5, 7, 16] {
            for n in 1...min(count, 5) {
                let runs = (0..<n).map { ProcessRendererPool.share($0, of: n, count: count) }
                XCTAssertEqual(runs.first?.lowerBound, 0)
                XCTAssertEqual(runs.last?.upperBound, count)
                for (a, b) in zip(runs, runs.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
                XCTAssertLessThanOrEqual(runs.map(\.count).max()! - runs.map(\.count).min()!, 1)
            }
        }
    }

    func testImagesComeBackInBatchOrderAndEqualOneWorkersForAnyCount() throws {
        let graphs = (0..<7).map { graph($0) }
        let reference = try ProcessRenderer(command: ["/usr/bin/python3", toy], canvas: canvas, classes: classes, timeout: 20)
        // Each graph rendered alone: what image i must be, whatever the pool does.
        let alone = try graphs.map { try reference.render([$0])[0] }
        XCTAssertEqual(Set(alone.map(\.image.pixels)).count, graphs.count, "the test graphs must differ")
        for n in [1, 2, 3, 7, 9] {
            let p = try pool(n)
            let images = try p.render(graphs)
            XCTAssertEqual(images.count, graphs.count)
            XCTAssertEqual(images, alone, "\(n) workers")
            p.close()
        }
    }

    func testFiniteDifferenceGradientsAreTheSameForOneAndThreeWorkers() throws {
        let graphs = (0..<3).map { graph($0) }
        let up = (0..<(12 * 10)).map { Float($0 % 12) / 12 }
        let one = try pool(1).vjp(graphs, imageGradients: Array(repeating: up, count: 3))
        let three = try pool(3).vjp(graphs, imageGradients: Array(repeating: up, count: 3))
        XCTAssertEqual(one, three)
        XCTAssertGreaterThan(try XCTUnwrap(one[0][2, "loc_x"]), 0, "moving the box right raises the x-weighted sum")
    }

    func testAFailingWorkerNamesItselfAndTheGraph() throws {
        // Graph 5 has a class the toy renderer is not given: its error reply names scene 1 of
        // worker 3's run (graphs 4–5 of 6 over 3 workers).
        var graphs = (0..<6).map { graph($0) }
        graphs[5] = graph(5, className: "truck")
        let p = try ProcessRendererPool(workers: (0..<3).map { _ in
            try ProcessRenderer(command: ["/usr/bin/python3", toy], canvas: canvas, classes: classes + ["truck"], timeout: 20)
        })
        let narrow = try ProcessRendererPool(workers: (0..<3).map { _ in
            try ProcessRenderer(command: ["/usr/bin/python3", toy], canvas: canvas, classes: classes, timeout: 20)
        })
        XCTAssertEqual(try p.render(graphs).count, 6)
        XCTAssertThrowsError(try narrow.render(graphs)) { error in
            guard case RenderError.external(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.hasPrefix("worker 3 of 3, graph 5 of the batch:"), message)
            XCTAssertTrue(message.contains("not in the class list"), message)
        }
        // The failing worker keeps running (a well-formed error reply): the next batch renders.
        XCTAssertEqual(try narrow.render(Array(graphs.prefix(5))).count, 5)
    }

    func testADyingWorkerNamesItselfAndItsGraphs() throws {
        // Worker 2 of 2 is a program that exits at once: its error names it and its run.
        let good = try ProcessRenderer(command: ["/usr/bin/python3", toy], canvas: canvas, classes: classes, timeout: 20)
        let bad = try ProcessRenderer(command: ["/bin/sh", "-c", "echo crashed >&2; exit 4"], canvas: canvas, classes: classes, timeout: 20)
        let p = try ProcessRendererPool(workers: [good, bad])
        XCTAssertThrowsError(try p.render((0..<5).map { graph($0) })) { error in
            guard case RenderError.external(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.hasPrefix("worker 2 of 2, rendering graphs 2–4 of the batch:"), message)
            XCTAssertTrue(message.contains("status 4") && message.contains("crashed"), message)
        }
    }

    func testNonFiniteAttributesAreInputErrorsWithTheBatchIndex() throws {
        var graphs = (0..<4).map { graph($0) }
        graphs[3].nodes[2].attributes["loc_x"] = .number(.nan)
        XCTAssertThrowsError(try pool(2, command: ["/bin/sleep", "30"]).render(graphs)) { error in
            XCTAssertEqual(error as? InputError, InputError(file: "graph 3", path: "nodes[2].attributes.loc_x", message: "must be finite, got nan"))
        }
    }

    func testWorkersMustAgree() throws {
        let a = try ProcessRenderer(command: ["x"], canvas: canvas, classes: classes)
        let b = try ProcessRenderer(command: ["x"], canvas: Canvas(width: 4, height: 4), classes: classes)
        XCTAssertThrowsError(try ProcessRendererPool(workers: [a, b]))
        XCTAssertThrowsError(try ProcessRendererPool(workers: []))
    }
}
