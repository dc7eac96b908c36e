import Codecs
import Diagnostics
import Foundation
import Scene
import XCTest
@testable import Render

/// Bridge replies that are well-formed JSON but unusable: clear `RenderError.external`s that
/// name the renderer, never a crash or unbounded buffering.
final class BridgeLimitsTests: XCTestCase {
    let canvas = Canvas(width: 16, height: 12)
    let classes = ["box", "disc"]
    let graph = scene([node("box", ["shape": .string("rect"), "size": .number(4)])])

    /// A Python bridge renderer that answers each request with `reply` (a Python expression
    /// over `req`, `c` = canvas, `n` = pixel count, `img` = a valid black inline image).
    func renderer(replying reply: String, timeout: Double = 20, loadImage: (@Sendable (String) throws -> Image)? = nil) throws -> ProcessRenderer {
        let script = """
            import sys, json, base64
            for line in sys.stdin:
                req = json.loads(line); c = req["canvas"]; n = c["width"] * c["height"]
                img = {"width": c["width"], "height": c["height"], "channels": c["channels"],
                       "pixels_base64": base64.b64encode(bytes(n * c["channels"])).decode()}
                sys.stdout.write(\(reply)); sys.stdout.flush()
            """
        return try ProcessRenderer(command: ["/usr/bin/python3", "-c", script], canvas: canvas, classes: classes,
                                   timeout: timeout, loadImage: loadImage)
    }

    func assertExternal(_ renderer: ProcessRenderer, contains expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try renderer.render([graph]), file: file, line: line) { error in
            guard case RenderError.external(let message) = error else { return XCTFail("\(error)", file: file, line: line) }
            for text in expected { XCTAssertTrue(message.contains(text), message, file: file, line: line) }
        }
    }

    func testMaskValuesBeyondTheClassOrObjectListsAreErrors() throws {
        let truth = #"dict(width=c["width"], height=c["height"], objects=[], instanceMask=[0]*n, semanticMask=[60000]*n)"#
        try assertExternal(renderer(replying: #"json.dumps({"id": req["id"], "images": [dict(img, ground_truth=\#(truth))]}) + "\n""#),
                           contains: ["python3", "semanticMask value 60000 is not 0 (background) or a class number 1...2"])
        let instance = #"dict(width=c["width"], height=c["height"], objects=[], instanceMask=[3]*n, semanticMask=[0]*n)"#
        try assertExternal(renderer(replying: #"json.dumps({"id": req["id"], "images": [dict(img, ground_truth=\#(instance))]}) + "\n""#),
                           contains: ["instanceMask value 3 is not 0 or an object number 1...0"])
        let valid = #"dict(width=c["width"], height=c["height"], objects=[], instanceMask=[0]*n, semanticMask=[2]*n)"#
        XCTAssertEqual(try renderer(replying: #"json.dumps({"id": req["id"], "images": [dict(img, ground_truth=\#(valid))]}) + "\n""#)
            .render([graph])[0].groundTruth.semanticMask.first, 2)
    }

    func testEndlessReplyLineIsReportedAsTooLongNotAsAStop() throws {
        // Writes 8 MiB without a newline (far past the ~1.1 MB allowed for one 16x12 image) and
        // keeps running: blocked on the full pipe, then waiting for the next request.
        let r = try renderer(replying: #""x" * (8 << 20)"#)
        XCTAssertLessThan(r.maximumReplyBytes(scenes: 1), 2 << 20)
        assertExternal(r, contains: ["reply to request 1 is longer than", "without a newline"])
    }

    func testUnusableReplyPathNamesTheRendererAndThePath() throws {
        let notes = NSTemporaryDirectory() + "notes-\(UUID().uuidString).txt"
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: notes))
        defer { try? FileManager.default.removeItem(atPath: notes) }
        let r = try renderer(replying: #"json.dumps({"id": req["id"], "images": [{"path": "\#(notes)"}]}) + "\n""#,
                             loadImage: { try ImageFile.read($0) })
        assertExternal(r, contains: ["python3", "image 0 of request 1: the reply's path \(notes) cannot be used: not a PNG or JPEG file"])
    }
}

final class NoiseBoundsTests: XCTestCase {
    func testTinyNoiseCellsAreBoundedWhiteNoise() {
        for cell: Float in [0, 1e-30, 1e-5, 0.002, .leastNonzeroMagnitude] {
            let plane = valueNoisePlane(width: 32, height: 32, cell: cell, seed: 3)
            XCTAssertEqual(plane.count, 32 * 32)
            XCTAssertTrue(plane.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(cell)")
            XCTAssertGreaterThan(Set(plane).count, 900, "sub-pixel cells give (nearly) independent pixels")
        }
        // The per-pixel path gives valueNoise's values; the lattice path agrees with it too.
        let tiny = valueNoisePlane(width: 8, height: 8, cell: 0.002, seed: 5)
        XCTAssertEqual(tiny[9], valueNoise(1.5 / 0.002, 1.5 / 0.002, seed: 5))
        let coarse = valueNoisePlane(width: 8, height: 8, cell: 3, seed: 5)
        XCTAssertEqual(coarse[9], valueNoise(1.5 / 3, 1.5 / 3, seed: 5), accuracy: 1e-6)
    }
}
