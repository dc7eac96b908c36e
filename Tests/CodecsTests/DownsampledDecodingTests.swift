import Diagnostics
import Foundation
import XCTest
@testable import Codecs

/// Large images downsampled while decoding (`ImageFile.decode(_:file:atLeast:)`): PNG
/// area-averaged row by row gives exactly the pixels of a full decode plus `.area` resize;
/// JPEG decodes at the smallest DCT scale covering the size; images past
/// `DecodingLimits.maximumPixels` load; hostile headers are still refused before decoding.
final class DownsampledDecodingTests: XCTestCase {
    /// Deterministic, varied 8-bit samples (so that every area weight matters).
    static func samples(width: Int, height: Int, channels: Int) -> [UInt8] {
        var state: UInt64 = 0x1234_5678
        return (0..<(width * height * channels)).map { i in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let pixel = i / channels, x = pixel % width, y = pixel / width
            return UInt8(truncatingIfNeeded: (x * 3 + y * 5) / 7 + Int(state >> 60))
        }
    }

    func testPNGDownsampledWhileDecodingEqualsFullDecodeThenAreaResize() throws {
        for (channels, width, height, target) in [(1, 301, 200, PixelSize(width: 32, height: 24)),
                                                  (3, 640, 97, PixelSize(width: 50, height: 97)),
                                                  (4, 255, 256, PixelSize(width: 7, height: 255))] {
            let png = try PNG.encodeBytes(Self.samples(width: width, height: height, channels: channels), width: width, height: height,
                                          format: PNG.layout(channels: channels), file: "x.png")
            let full = try PNG.decode(png, file: "x.png")
            let small = try PNG.decode(png, file: "x.png", atLeast: target)
            XCTAssertEqual(small.width, target.width)
            XCTAssertEqual(small.height, target.height)
            XCTAssertEqual(small.channels, channels)
            XCTAssertEqual(small.pixels, full.resized(width: target.width, height: target.height, method: .area).pixels,
                           "\(channels) channels, \(width)x\(height) → \(target)")
        }
    }

    func testPNGNotLargerThanTheSizeIsDecodedWhole() throws {
        let png = try PNG.encodeBytes(Self.samples(width: 40, height: 30, channels: 3), width: 40, height: 30,
                                      format: PNG.layout(channels: 3), file: "x.png")
        for target in [PixelSize(width: 40, height: 30), PixelSize(width: 41, height: 10), PixelSize(width: 64, height: 64)] {
            XCTAssertEqual(try PNG.decode(png, file: "x.png", atLeast: target), try PNG.decode(png, file: "x.png"))
        }
    }

    /// 9000 × 8000 (72 M pixels, past the 2^26 limit): refused whole, read downsampled —
    /// left half black, right half white, so the averages are known.
    func testPNGPastThePixelLimitLoadsDownsampled() throws {
        let width = 9000, height = 8000
        var bytes = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height { for x in (width / 2)..<width { bytes[y * width + x] = 255 } }
        let png = try PNG.encodeBytes(bytes, width: width, height: height, format: PNG.layout(channels: 1), file: "big.png")
        bytes = []
        XCTAssertThrowsError(try PNG.decode(png, file: "big.png")) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("image too large") ?? false, "\(error)")
        }
        let small = try ImageFile.decode(png, file: "big.png", atLeast: PixelSize(width: 64, height: 48))
        XCTAssertEqual([small.width, small.height, small.channels], [64, 48, 1])
        for y in 0..<48 {
            for x in 0..<64 { XCTAssertEqual(small.pixels[y * 64 + x], x < 32 ? 0 : 1, accuracy: 1e-5, "(\(x), \(y))") }
        }
    }

    /// Headers the row decoder must refuse before decoding: past 2^30 pixels (the 45000 × 45000
    /// bomb), rows wider than 2^20; a truncated body is an error, not a partial image.
    func testHostilePNGHeadersAreRefusedWhenDownsampling() throws {
        let size = PixelSize(width: 32, height: 32)
        for (width, height) in [(45000, 45000), (2_000_000, 1), (32769, 32769)] as [(UInt32, UInt32)] {
            let data = try DecodingLimitsTests.pngClaiming(width: width, height: height)
            XCTAssertThrowsError(try PNG.decode(data, file: "bomb.png", atLeast: size)) { error in
                XCTAssertEqual((error as? InputError)?.file, "bomb.png")
                XCTAssertTrue((error as? InputError)?.message.hasPrefix("image too large: PNG of \(width)x\(height)") ?? false, "\(error)")
            }
        }
        let claimed = try DecodingLimitsTests.pngClaiming(width: 20000, height: 20000)   // allowed size, 2x2 of data
        XCTAssertThrowsError(try PNG.decode(claimed, file: "short.png", atLeast: size)) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("corrupt or truncated PNG") ?? false, "\(error)")
        }
    }

    func testJPEGDecodesAtTheSmallestDCTScaleCoveringTheSize() throws {
        let width = 1200, height = 800
        let jpeg = try JPEG.encodeBytes(Self.samples(width: width, height: height, channels: 3), width: width, height: height,
                                        channels: 3, quality: 90, file: "x.jpg")
        let full = try JPEG.decode(jpeg, file: "x.jpg")
        // Scale N/8: the smallest N with 1200·N/8 ≥ w and 800·N/8 ≥ h.
        for (target, expected) in [(PixelSize(width: 100, height: 100), (150, 100)), (PixelSize(width: 300, height: 10), (300, 200)),
                                   (PixelSize(width: 1000, height: 10), (1050, 700)), (PixelSize(width: 2000, height: 2000), (1200, 800))] {
            let small = try JPEG.decode(jpeg, file: "x.jpg", atLeast: target)
            XCTAssertEqual([small.width, small.height], [expected.0, expected.1], "\(target)")
            // Close to the full decode resized to the same size (DCT scaling is a low-pass too).
            let reference = full.resized(width: small.width, height: small.height, method: .area)
            let meanError = zip(small.pixels, reference.pixels).map { abs($0 - $1) }.reduce(0, +) / Float(small.pixels.count)
            XCTAssertLessThan(meanError, 0.03, "\(target)")
        }
    }

    /// 9000 × 8000 grey JPEG (past 2^26 pixels): refused whole, read at 1/8 scale (1125 × 1000).
    func testJPEGPastThePixelLimitLoadsDownsampled() throws {
        let width = 9000, height = 8000
        var bytes = [UInt8](repeating: 40, count: width * height)
        for y in 0..<height { for x in 0..<(width / 2) { bytes[y * width + x] = 200 } }
        let jpeg = try JPEG.encodeBytes(bytes, width: width, height: height, channels: 1, quality: 50, file: "big.jpg")
        bytes = []
        XCTAssertThrowsError(try JPEG.decode(jpeg, file: "big.jpg")) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("image too large") ?? false, "\(error)")
        }
        let small = try ImageFile.decode(jpeg, file: "big.jpg", atLeast: PixelSize(width: 64, height: 64))
        XCTAssertEqual([small.width, small.height, small.channels], [1125, 1000, 1])
        XCTAssertEqual(small.pixels[500 * 1125 + 100], 200 / 255, accuracy: 0.02)
        XCTAssertEqual(small.pixels[500 * 1125 + 1000], 40 / 255, accuracy: 0.02)
        // A header past 2^30 pixels is refused even when downsampling.
        var huge = [UInt8](try JPEG.encode(Image(width: 8, height: 8, channels: 1)))
        let sof = try XCTUnwrap((0..<huge.count - 1).first { huge[$0] == 0xFF && huge[$0 + 1] == 0xC0 })
        huge[sof + 5] = 0xFF; huge[sof + 6] = 0xDC; huge[sof + 7] = 0xFF; huge[sof + 8] = 0xDC   // 65500 × 65500
        XCTAssertThrowsError(try JPEG.decode(Data(huge), file: "huge.jpg", atLeast: PixelSize(width: 64, height: 64))) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("image too large: JPEG of 65500x65500") ?? false, "\(error)")
        }
    }
}
