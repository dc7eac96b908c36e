import Codecs
import Diagnostics
import Foundation
import Scene
import XCTest
@testable import Render
import TestSupport

final class ProcessRendererTests: XCTestCase {
    let toy = Repository.path("examples/bridge/toy_renderer.py")
    let canvas = Canvas(width: 16, height: 12)
    let classes = ["box", "disc"]

    func shapes(_ x: Double) -> SceneGraph {
        scene([node("box", numbers(["loc_x": x, "loc_y": 5.3, "size_x": 6, "size_y": 4, "yaw": 20, "intensity": 0.9]).merging(["shape": .string("rect")]) { $1 },
                    mutable: ["loc_x"]),
               node("disc", numbers(["loc_x": 11, "loc_y": 7, "size": 5, "intensity": 0.6, "opacity": 0.8]).merging(["shape": .string("ellipse")]) { $1 })],
              background: backdrop(numbers(["texture": 0.1])))
    }

    func testToyRendererMatchesTheCompositorAndItsGroundTruth() throws {
        let external = try ProcessRenderer(command: ["/usr/bin/python3", toy], canvas: canvas, classes: classes, timeout: 20)
        let builtIn = try CompositorRenderer(canvas: canvas, classes: classes)
        let graphs = [shapes(6.2), shapes(7.9)]
        let a = try external.render(graphs), b = try builtIn.render(graphs)
        XCTAssertEqual(a.count, 2)
        for (x, y) in zip(a, b) {
            for (p, q) in zip(x.image.pixels, y.image.pixels) { XCTAssertEqual(p, q, accuracy: 1.5 / 255) }
            XCTAssertEqual(x.groundTruth.objects.map(\.bbox), y.groundTruth.objects.map(\.bbox))
            XCTAssertEqual(x.groundTruth.semanticMask, y.groundTruth.semanticMask)
        }
        // The process stays up between calls.
        XCTAssertEqual(try external.render([graphs[0]])[0].image, a[0].image)
        external.close()
    }

    func testFiniteDifferenceGradientsThroughTheBridge() throws {
        let external = try ProcessRenderer(command: ["/usr/bin/python3", toy], canvas: canvas, classes: classes, timeout: 20,
                                           finiteDifference: FiniteDifferenceVJP(step: 0.5))
        let builtIn = try CompositorRenderer(canvas: canvas, classes: classes)
        let up = (0..<(16 * 12)).map { Float($0 % 16) / 16 }  // rewards moving right
        let g = try XCTUnwrap(try external.vjp([shapes(6.2)], imageGradients: [up])[0][2, "loc_x"])
        let exact = try XCTUnwrap(try builtIn.vjp([shapes(6.2)], imageGradients: [up])[0][2, "loc_x"])
        let fdBuiltIn = try XCTUnwrap(try FiniteDifferenceVJP(step: 0.5).vjp(builtIn, [shapes(6.2)], imageGradients: [up])[0][2, "loc_x"])
        // Same step on both: the bridge adds only 8-bit quantisation. (A step of half the 1-px edge
        // ramp smooths the derivative, so both sit ~15 % below the exact one; same sign.)
        XCTAssertGreaterThan(exact, 0)
        XCTAssertEqual(g, fdBuiltIn, accuracy: 0.05 * abs(fdBuiltIn))
        XCTAssertEqual(g, exact, accuracy: 0.25 * abs(exact))
    }

    func testPathRepliesUseTheInjectedLoader() throws {
        let seen = PathLog()
        let external = try ProcessRenderer(command: ["/usr/bin/python3", toy, "--png"], canvas: canvas, classes: classes, timeout: 20) { path in
            seen.add(path)
            return Image(width: 16, height: 12, channels: 1, fill: 0.25)
        }
        let out = try external.render([shapes(6)])
        XCTAssertEqual(out[0].image.pixels.first, 0.25)
        XCTAssertEqual(seen.paths.count, 1)
        XCTAssertTrue(seen.paths[0].hasSuffix("image0.png"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: seen.paths[0]), "the toy wrote the PNG")
        let noLoader = try ProcessRenderer(command: ["/usr/bin/python3", toy, "--png"], canvas: canvas, classes: classes, timeout: 20)
        XCTAssertThrowsError(try noLoader.render([shapes(6)])) { XCTAssertTrue("\($0)".contains("no image loader")) }
    }

    func assertExternalError(_ command: [String], timeout: Double = 10, _ expected: String, line: UInt = #line) throws {
        let r = try ProcessRenderer(command: command, canvas: canvas, classes: classes, timeout: timeout)
        XCTAssertThrowsError(try r.render([shapes(6)]), line: line) { error in
            guard case RenderError.external(let message) = error else { return XCTFail("\(error)", line: line) }
            XCTAssertTrue(message.contains(expected), message, line: line)
        }
    }

    func testFailuresAreClearErrors() throws {
        try assertExternalError(["/bin/sh", "-c", "echo broken >&2; exit 3"], "status 3")
        try assertExternalError(["/bin/sh", "-c", "echo broken >&2; exit 3"], "stderr: broken")
        try assertExternalError(["/bin/sh", "-c", "read line; echo nonsense; sleep 5"], "not a valid reply")
        try assertExternalError(["/bin/sh", "-c", "read line; echo '{\"id\": 9, \"images\": []}'; sleep 5"], "does not match")
        try assertExternalError(["/bin/sh", "-c", "read line; echo '{\"id\": 1, \"images\": []}'; sleep 5"], "0 images for 1")
        try assertExternalError(["/bin/sh", "-c", "read line; echo '{\"id\": 1, \"images\": [{\"width\": 2, \"height\": 2, \"channels\": 1, \"pixels_base64\": \"AAAAAA==\"}]}'; sleep 5"], "expected 12x16x1")
        try assertExternalError(["/bin/sh", "-c", "read line; echo '{\"id\": 1, \"error\": \"no GPU\"}'; sleep 5"], "no GPU")
        try assertExternalError(["/bin/sleep", "30"], timeout: 0.3, "within 0.3 s")
        try assertExternalError(["/nonexistent/renderer"], "could not start")
    }

    func testNonFiniteAttributesAreInputErrorsBeforeSending() throws {
        let r = try ProcessRenderer(command: ["/bin/sleep", "30"], canvas: canvas, classes: classes, timeout: 30)
        let bad = scene([node("box", ["shape": .string("rect"), "loc_x": .number(.infinity)])])
        XCTAssertThrowsError(try r.render([bad])) { XCTAssertEqual(($0 as? InputError)?.path, "nodes[1].attributes.loc_x") }
    }

    func testBadClassMakesTheToyReplyAnErrorAndKeepRunning() throws {
        let r = try ProcessRenderer(command: ["/usr/bin/python3", toy], canvas: canvas, classes: ["box"], timeout: 20)
        XCTAssertThrowsError(try r.render([shapes(6)])) { XCTAssertTrue("\($0)".contains("not in the class list")) }
        let ok = scene([node("box", ["shape": .string("rect"), "size": .number(4)])])
        XCTAssertEqual(try r.render([ok]).count, 1)
    }
}

final class PathLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ p: String) { lock.lock(); list.append(p); lock.unlock() }
    var paths: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
