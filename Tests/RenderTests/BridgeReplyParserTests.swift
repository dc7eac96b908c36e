import Codecs
import Diagnostics
import Foundation
import Render
import Scene
import XCTest

/// The bridge's reply parsing as a pure function of the reply bytes (what the bridge-reply fuzz
/// target calls), including the reply whose pixel count overflowed `Int` and trapped.
final class BridgeReplyParserTests: XCTestCase {
    let canvas = Canvas(width: 2, height: 1, channels: 1)

    func parse(_ json: String, loader: ((String) throws -> Image)? = nil) throws -> [RenderedImage] {
        try BridgeReplyParser.parse(Data(json.utf8), request: 5, scenes: 1, canvas: canvas, classes: ["a"], loadImage: loader)
    }

    func failure(_ json: String, loader: ((String) throws -> Image)? = nil) -> BridgeReplyError? {
        do { _ = try parse(json, loader: loader); return nil } catch { return error as? BridgeReplyError }
    }

    func testInlinePixelsBecomeAnImageWithEmptyGroundTruth() throws {
        // "AP8=" is the bytes 0, 255.
        let out = try parse(#"{"id": 5, "images": [{"width": 2, "height": 1, "channels": 1, "pixels_base64": "AP8="}]}"#)
        XCTAssertEqual(out.count, 1)
        XCTAssertEqual(out[0].image.pixels, [0, 1])
        XCTAssertEqual(out[0].groundTruth.instanceMask, [0, 0])
    }

    func testPixelCountOverflowingIntIsAProtocolErrorNotATrap() {
        // width × height × channels = 2^64: used to trap in the byte-count comparison.
        let e = failure(#"{"id": 5, "images": [{"width": 4294967296, "height": 4294967296, "channels": 1, "pixels_base64": ""}]}"#)
        XCTAssertEqual(e?.keepRunning, false)
        XCTAssertTrue(e?.message.contains("0 bytes for 4294967296x4294967296x1") ?? false, "\(String(describing: e))")
    }

    func testDepthMustCoverTheCanvas() throws {
        let masks = #""width": 2, "height": 1, "objects": [], "instanceMask": [0, 0], "semanticMask": [0, 0]"#
        func reply(_ depth: String) -> String {
            #"{"id": 5, "images": [{"width": 2, "height": 1, "channels": 1, "pixels_base64": "AP8=", "ground_truth": {"# + masks + depth + "}}]}"
        }
        XCTAssertEqual(try parse(reply(#", "depth": [1.5, 0]"#))[0].groundTruth.depth, [1.5, 0])
        XCTAssertTrue(failure(reply(#", "depth": [1.5]"#))?.message.contains("depth of image 0") ?? false)
        XCTAssertTrue(failure(reply(#", "depth": [1.5, -2]"#))?.message.contains("depth of image 0") ?? false)
    }

    func testProgramErrorsAndUnreadablePathsKeepTheProgramRunning() {
        XCTAssertEqual(failure(#"{"id": 5, "error": "no GPU"}"#)?.keepRunning, true)
        XCTAssertEqual(failure(#"{"id": 5, "error": "bad", "scene": 0}"#)?.scene, 0)
        XCTAssertNil(failure(#"{"id": 5, "error": "bad", "scene": 3}"#)?.scene, "a scene the request does not have is not blamed")
        let unreadable = failure(#"{"id": 5, "images": [{"path": "x.png"}]}"#) { _ in throw InputError(file: "x.png", message: "no such file") }
        XCTAssertEqual(unreadable?.keepRunning, true)
        XCTAssertTrue(unreadable?.message.contains("x.png cannot be used: no such file") ?? false)
    }

    func testProtocolBreaksStopTheProgram() {
        for json in ["not json", #"{"id": 6, "images": []}"#, #"{"id": 5, "images": []}"#,
                     #"{"id": 5, "images": [{"width": 2, "height": 1, "channels": 1, "pixels_base64": "AA=="}]}"#] {
            let e = failure(json)
            XCTAssertNotNil(e, json)
            XCTAssertEqual(e?.keepRunning, false, json)
        }
    }
}
