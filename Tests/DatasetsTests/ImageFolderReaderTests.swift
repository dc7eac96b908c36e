import Codecs
import Diagnostics
import Foundation
import Scene
import XCTest
@testable import Datasets

final class ImageFolderReaderTests: XCTestCase {
    func grey(_ width: Int, _ height: Int, _ value: Float) -> Image {
        Image(width: width, height: height, channels: 1, fill: value)
    }

    func testListsSortedImagesOnlySkippingHiddenAndOtherFiles() throws {
        let dir = try outputFolder("reader")
        try PNG.write(grey(4, 4, 0.2), to: dir + "/b.png")
        try PNG.write(grey(4, 4, 0.4), to: dir + "/a.PNG")
        try JPEG.write(grey(4, 4, 0.6), to: dir + "/c.jpg")
        try PNG.write(grey(4, 4, 1), to: dir + "/.hidden.png")
        try AtomicFile.write(Array("notes".utf8), to: dir + "/README.txt")
        try FileManager.default.createDirectory(atPath: dir + "/sub.png", withIntermediateDirectories: false)
        let reader = try ImageFolderReader(folder: dir, field: "targets.unlabelled")
        XCTAssertEqual(reader.files.map { URL(fileURLWithPath: $0).lastPathComponent }, ["a.PNG", "b.png", "c.jpg"])
        let images = try reader.loadAll()
        XCTAssertEqual(images.map { $0.pixels[0] }[0...1], [0.4, 0.2])
        XCTAssertEqual(images[2].pixels[0], 0.6, accuracy: 3 / 255)
    }

    func testResizesAndConvertsToCanvas() throws {
        let dir = try outputFolder("reader-resize")
        try PNG.write(Image(width: 8, height: 6, channels: 3, fill: 0.5), to: dir + "/a.png")
        try PNG.write(grey(3, 3, 1), to: dir + "/b.png")
        let images = try ImageFolderReader(folder: dir).loadAll(options: ImageLoadingOptions(canvas: Canvas(width: 4, height: 4, channels: 1)))
        for image in images { XCTAssertEqual([image.width, image.height, image.channels], [4, 4, 1]) }
        XCTAssertEqual(images[0].pixels[5], 128 / 255, accuracy: 1e-5, "grey of (0.5, 0.5, 0.5) after area resize")
        XCTAssertEqual(images[1].pixels[15], 1, accuracy: 1e-5)
        let rgb = try ImageFolderReader(folder: dir).loadAll(options: ImageLoadingOptions(width: 2, height: 2, channels: 3, method: .bilinear))
        XCTAssertEqual(rgb[1].channels, 3)
    }

    func testErrorsNameTheFolderFileAndField() throws {
        let dir = try outputFolder("reader-errors")
        XCTAssertThrowsError(try ImageFolderReader(folder: dir + "/missing", field: "targets.unlabelled")) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.path, "targets.unlabelled")
            XCTAssertEqual(e?.message, "folder not found")
        }
        XCTAssertThrowsError(try ImageFolderReader(folder: dir)) { error in
            XCTAssertEqual((error as? InputError)?.message, "no PNG or JPEG images in folder")
        }
        try PNG.write(grey(4, 4, 0), to: dir + "/a.png")
        try PNG.write(grey(5, 4, 0), to: dir + "/b.png")
        XCTAssertThrowsError(try ImageFolderReader(folder: dir, field: "f").loadAll()) { error in
            XCTAssertEqual((error as? InputError)?.file, dir + "/b.png")
            XCTAssertEqual((error as? InputError)?.path, "f")
        }
        let png = try PNG.encode(grey(4, 4, 0))
        try AtomicFile.write(png.prefix(png.count / 2), to: dir + "/c.png")
        XCTAssertThrowsError(try ImageFolderReader(folder: dir, field: "f").image(at: 2)) { error in
            XCTAssertEqual((error as? InputError)?.file, dir + "/c.png")
            XCTAssertEqual((error as? InputError)?.path, "f")
        }
    }

    func testLabelledLayoutFollowsTorchvisionOrder() throws {
        let dir = try outputFolder("labelled")
        for (label, count) in [("7", 2), ("3", 1)] {
            try FileManager.default.createDirectory(atPath: dir + "/" + label, withIntermediateDirectories: true)
            for i in 0..<count { try PNG.write(grey(2, 2, Float(label)! / 10), to: dir + "/\(label)/\(i).png") }
        }
        try AtomicFile.write(Array("x".utf8), to: dir + "/labels.txt")
        let reader = try LabelledImageFolderReader(folder: dir, field: "targets.labelled")
        XCTAssertEqual(reader.classes, ["3", "7"])
        let (images, labels) = try reader.loadAll()
        XCTAssertEqual(labels, [0, 1, 1])
        XCTAssertEqual(images.map { $0.pixels[0] }, [Float(Quantization.byte(0.3)) / 255, Float(Quantization.byte(0.7)) / 255,
                                                    Float(Quantization.byte(0.7)) / 255])
        try FileManager.default.createDirectory(atPath: dir + "/9", withIntermediateDirectories: true)
        XCTAssertThrowsError(try LabelledImageFolderReader(folder: dir)) { error in
            XCTAssertEqual((error as? InputError)?.file, dir + "/9")
        }
    }

    func testWriterOutputReadsBackAsLabelledFolder() throws {
        let dir = try outputFolder("roundtrip")
        let writer = try ImageFolderWriter(directory: dir)
        for i in 0..<4 { try writer.append(DatasetFixtures.scene(seed: i), graph: DatasetFixtures.graph(), label: "k\(i % 2)") }
        try writer.finish()
        let reader = try LabelledImageFolderReader(folder: dir)
        XCTAssertEqual(reader.classes, ["k0", "k1"])
        XCTAssertEqual(try reader.loadAll().labels, [0, 0, 1, 1])
    }
}
