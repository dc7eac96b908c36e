import XCTest
@testable import Codecs

final class ImageProcessingTests: XCTestCase {
    func ramp(width: Int, height: Int) -> Image {
        var image = Image(width: width, height: height, channels: 1)
        for y in 0..<height { for x in 0..<width { image.pixels[y * width + x] = Float(x + 10 * y) } }
        return image
    }

    func testAreaShrinkByTwoAveragesBlocks() {
        let image = ramp(width: 4, height: 4)
        let small = image.resized(width: 2, height: 2, method: .area)
        for y in 0..<2 {
            for x in 0..<2 {
                let block = [(0, 0), (1, 0), (0, 1), (1, 1)].map { image.pixels[(2 * y + $0.1) * 4 + 2 * x + $0.0] }
                XCTAssertEqual(small.pixels[y * 2 + x], block.reduce(0, +) / 4, accuracy: 1e-5)
            }
        }
    }

    func testAreaFractionalShrinkPreservesMean() {
        let image = ramp(width: 7, height: 5)
        let small = image.resized(width: 3, height: 2, method: .area)
        let mean = { (i: Image) in i.pixels.reduce(0, +) / Float(i.pixels.count) }
        XCTAssertEqual(mean(small), mean(image), accuracy: 1e-4)
    }

    func testBilinearReproducesLinearRampInTheInterior() {
        // A linear function is reproduced exactly by bilinear interpolation away from the edges.
        let image = ramp(width: 4, height: 4)
        let big = image.resized(width: 8, height: 8, method: .bilinear)
        for y in 1..<7 {
            for x in 1..<7 {
                let sx = (Float(x) + 0.5) / 2 - 0.5, sy = (Float(y) + 0.5) / 2 - 0.5
                XCTAssertEqual(big.pixels[y * 8 + x], sx + 10 * sy, accuracy: 1e-4)
            }
        }
        XCTAssertEqual(big.pixels[0], image.pixels[0], accuracy: 1e-6, "edge clamps")
    }

    func testResizeKeepsChannelsAndConstantImages() {
        for method in ResamplingMethod.allCases {
            let image = Image(width: 5, height: 3, channels: 3, fill: 0.25)
            let out = image.resized(width: 11, height: 2, method: method)
            XCTAssertEqual(out.channels, 3)
            for v in out.pixels { XCTAssertEqual(v, 0.25, accuracy: 1e-6) }
        }
    }

    func testChannelConversions() {
        let rgba = Image(width: 1, height: 2, channels: 4, pixels: [1, 0.5, 0, 0.5, 0.2, 0.4, 0.6, 1])
        let rgb = rgba.converted(toChannels: 3)
        XCTAssertEqual(rgb.pixels, [0.5, 0.25, 0, 0.2, 0.4, 0.6], "composited over black")
        let grey = rgb.converted(toChannels: 1)
        XCTAssertEqual(grey.pixels[1], 0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6, accuracy: 1e-6)
        let back = grey.converted(toChannels: 3)
        XCTAssertEqual(back.pixels[3], grey.pixels[1])
        XCTAssertEqual(back.pixels[5], grey.pixels[1])
        XCTAssertEqual(grey.converted(toChannels: 4).pixels[3], 1)
    }

    func testContactSheetLayout() {
        let images = (0..<5).map { Image(width: 2, height: 3, channels: 1, fill: Float($0 + 1) / 10) }
        let sheet = ContactSheet.make(images, separator: 1, separatorValue: 1)
        // ⌈√5⌉ = 3 columns, 2 rows: width 3·(2+1)+1, height 2·(3+1)+1.
        XCTAssertEqual([sheet.width, sheet.height, sheet.channels], [10, 9, 1])
        XCTAssertEqual(sheet.pixels[0], 1, "frame")
        XCTAssertEqual(sheet.pixels[1 * 10 + 1], 0.1, "image 0 top-left")
        XCTAssertEqual(sheet.pixels[5 * 10 + 1], 0.4, "image 3 is row 1, column 0")
        XCTAssertEqual(sheet.pixels[5 * 10 + 4], 0.5)
        XCTAssertEqual(sheet.pixels[5 * 10 + 3], 1, "separator between columns")
        XCTAssertEqual(sheet.pixels[5 * 10 + 7], 0, "empty cell 5 is black")
        let many = ContactSheet.make([Image](repeating: Image(width: 1, height: 1, channels: 3), count: 100), separator: 0)
        XCTAssertEqual(many.width * many.height, 64, "only the first 64")
    }
}
