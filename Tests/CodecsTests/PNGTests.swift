import Diagnostics
import Foundation
import XCTest
@testable import Codecs

final class PNGTests: XCTestCase {
    /// Values on the 8-bit grid, so a round trip must be exact.
    func gridImage(width: Int, height: Int, channels: Int) -> Image {
        var image = Image(width: width, height: height, channels: channels)
        for i in image.pixels.indices { image.pixels[i] = Float((i * 37 + 11) % 256) / 255 }
        return image
    }

    func testRoundTripIsExactForGreyRGBAndRGBA() throws {
        for channels in [1, 3, 4] {
            let image = gridImage(width: 7, height: 5, channels: channels)
            let decoded = try PNG.decode(try PNG.encode(image), file: "mem.png")
            XCTAssertEqual(decoded.channels, channels)
            XCTAssertEqual(decoded.width, 7)
            XCTAssertEqual(decoded.height, 5)
            XCTAssertEqual(decoded.pixels, image.pixels, "channels \(channels)")
        }
    }

    func testWriteQuantisesAndClampsOutOfRangeAndNaN() throws {
        let image = Image(width: 5, height: 1, channels: 1, pixels: [-0.5, .nan, 0.5, 2, .infinity])
        let decoded = try PNG.decode(try PNG.encode(image), file: "mem.png")
        XCTAssertEqual(decoded.pixels, [0, 0, 128 / 255, 1, 1])
    }

    func testFileRoundTripIsAtomicAndLeavesNoTemporaryFiles() throws {
        let folder = try temporaryFolder()
        let path = folder + "/a.png"
        let image = gridImage(width: 3, height: 4, channels: 3)
        try PNG.write(image, to: path)
        XCTAssertEqual(try PNG.read(path), image)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["a.png"])
    }

    func testTruncatedAndCorruptFilesThrowInputErrorNamingTheFile() throws {
        let full = try PNG.encode(gridImage(width: 16, height: 16, channels: 3))
        for cut in [0, 4, 20, full.count / 2, full.count - 13] {
            XCTAssertThrowsError(try PNG.decode(full.prefix(cut), file: "cut.png"), "cut at \(cut)") { error in
                XCTAssertEqual((error as? InputError)?.file, "cut.png")
            }
        }
        var corrupt = full
        corrupt[corrupt.count / 2] ^= 0xFF  // breaks the IDAT CRC / deflate stream
        XCTAssertThrowsError(try PNG.decode(corrupt, file: "bad.png")) { XCTAssertTrue($0 is InputError) }
        XCTAssertThrowsError(try PNG.read("/nonexistent/x.png")) { error in
            XCTAssertEqual((error as? InputError)?.message, "file not found")
        }
    }

    func testEncodeRejectsUnsupportedChannelsAndEmptyImages() {
        XCTAssertThrowsError(try PNG.encode(Image(width: 2, height: 2, channels: 2)))
        XCTAssertThrowsError(try PNG.encode(Image(width: 0, height: 2, channels: 1)))
    }

    func testPaletteExpandsToRGB() throws {
        let image = try PNG.decode(CodecFixtures.data(CodecFixtures.pngPalette), file: "pal.png")
        XCTAssertEqual(image.channels, 3)
        let palette: [[Float]] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]]
        for (p, entry) in [0, 1, 2, 3, 3, 2, 1, 0].enumerated() {
            XCTAssertEqual(Array(image.pixels[p * 3..<p * 3 + 3]), palette[entry].map { $0 / 255 })
        }
    }

    func testSixteenBitGreyScalesToEightBits() throws {
        let image = try PNG.decode(CodecFixtures.data(CodecFixtures.png16BitGrey), file: "g16.png")
        XCTAssertEqual(image.channels, 1)
        for (value, sixteen) in zip(image.pixels, [0, 1000, 20000, 40000, 65535, 32768] as [Float]) {
            XCTAssertEqual(value, sixteen / 65535, accuracy: 0.5 / 255 + 1e-6)
        }
    }

    func testGreyAlphaExpandsToRGBA() throws {
        let image = try PNG.decode(CodecFixtures.data(CodecFixtures.pngGreyAlpha), file: "la.png")
        XCTAssertEqual(image.channels, 4)
        let expected: [[Float]] = [[0, 255], [100, 128], [200, 0], [255, 255]]
        for (p, la) in expected.enumerated() {
            XCTAssertEqual(image.pixels[p * 4 + 3], la[1] / 255, accuracy: 1e-6, "alpha \(p)")
            // libpng un-premultiplies through 16-bit linear: colour of a translucent pixel may
            // move by a step; a fully transparent pixel's colour is undefined.
            if la[1] > 0 { XCTAssertEqual(image.pixels[p * 4], la[0] / 255, accuracy: 2 / 255, "grey \(p)") }
        }
    }
}

/// A fresh empty folder under the system temporary folder, removed when the test ends.
extension XCTestCase {
    func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "metasim-codecs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
