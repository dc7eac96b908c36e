import Diagnostics
import Foundation
import XCTest
@testable import Codecs

final class JPEGTests: XCTestCase {
    func testDecodesPILColourFileCloseToItsFormula() throws {
        let image = try JPEG.decode(CodecFixtures.data(CodecFixtures.jpegRGB), file: "rgb.jpg")
        XCTAssertEqual([image.width, image.height, image.channels], [16, 8, 3])
        var worst: Float = 0
        for y in 0..<8 {
            for x in 0..<16 {
                let expected: [Float] = [Float(x * 16), Float(y * 32), 128].map { $0 / 255 }
                for k in 0..<3 { worst = max(worst, abs(image.pixels[(y * 16 + x) * 3 + k] - expected[k])) }
            }
        }
        XCTAssertLessThan(worst, 12 / 255, "quality-95 JPEG should stay within a few levels")
    }

    func testDecodesGreyFileAsOneChannel() throws {
        let image = try JPEG.decode(CodecFixtures.data(CodecFixtures.jpegGrey), file: "grey.jpg")
        XCTAssertEqual([image.width, image.height, image.channels], [8, 8, 1])
        for y in 0..<8 {
            for x in 0..<8 { XCTAssertEqual(image.pixels[y * 8 + x], Float(x * 32) / 255, accuracy: 8 / 255) }
        }
    }

    func testOwnEncoderRoundTripsWithinTolerance() throws {
        var image = Image(width: 24, height: 16, channels: 3)
        for y in 0..<16 {
            for x in 0..<24 {
                image.pixels[(y * 24 + x) * 3] = Float(x) / 23
                image.pixels[(y * 24 + x) * 3 + 1] = Float(y) / 15
                image.pixels[(y * 24 + x) * 3 + 2] = 0.5
            }
        }
        let decoded = try JPEG.decode(try JPEG.encode(image, quality: 95), file: "mem.jpg")
        XCTAssertEqual(decoded.channels, 3)
        let worst = zip(decoded.pixels, image.pixels).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(worst, 0.06)
        XCTAssertThrowsError(try JPEG.encode(Image(width: 2, height: 2, channels: 4)))
    }

    func testTruncatedOrCorruptJPEGThrowsInsteadOfPaddingWithGrey() {
        let full = CodecFixtures.data(CodecFixtures.jpegRGB)
        for cut in [0, 2, 100, full.count / 2, full.count - 2] {
            XCTAssertThrowsError(try JPEG.decode(full.prefix(cut), file: "cut.jpg"), "cut at \(cut)") { error in
                XCTAssertEqual((error as? InputError)?.file, "cut.jpg")
            }
        }
        XCTAssertThrowsError(try ImageFile.decode(Data("hello".utf8), file: "x.jpg")) { error in
            XCTAssertEqual((error as? InputError)?.message, "not a PNG or JPEG file")
        }
    }

    func testImageFileSniffsContentNotName() throws {
        let folder = try temporaryFolder()
        let path = folder + "/misnamed.png"
        try AtomicFile.write(CodecFixtures.data(CodecFixtures.jpegGrey), to: path)
        XCTAssertEqual(try ImageFile.read(path).channels, 1)
        XCTAssertTrue(ImageFile.hasImageExtension("A.JPEG"))
        XCTAssertFalse(ImageFile.hasImageExtension("a.txt"))
    }
}
