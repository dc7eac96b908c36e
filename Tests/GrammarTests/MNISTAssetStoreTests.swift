import Assets
import Codecs
import Diagnostics
import Foundation
import Scene
import XCTest

final class MNISTAssetStoreTests: XCTestCase {
    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metasim-idx-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testReadsPlainIDXAndRejectsBadFiles() throws {
        // 3 images of 2x2, labels 7, 0, 7.
        let images = try write([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + (0..<12).map { UInt8($0 * 20) }, "images")
        let labels = try write([0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 7], "labels")
        let array = try IDXArray.read(path: images)
        XCTAssertEqual(array.dimensions, [3, 2, 2])
        let store = try MNISTAssetStore(name: "tiny", source: MNISTSource(imagesPath: images, labelsPath: labels))
        XCTAssertEqual(store.count(ofClass: "7"), 2)
        XCTAssertEqual(store.count(ofClass: "3"), 0)
        XCTAssertEqual(store.count(ofClass: "07"), 0)
        XCTAssertEqual(store.index(ofClass: "7", 1), 2)
        let image = try store.image(AssetRef(store: "tiny", index: 2))
        XCTAssertEqual(image.pixels, [160, 180, 200, 220].map { Float($0) / 255 })
        XCTAssertThrowsError(try store.image(AssetRef(store: "tiny", index: 3)))

        let truncated = try write([0, 0, 8, 1, 0, 0, 0, 5, 1, 2], "short")
        XCTAssertThrowsError(try IDXArray.read(path: truncated)) { XCTAssert(($0 as? InputError)?.message.contains("truncated") == true) }
        let floats = try write([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], "floats")
        XCTAssertThrowsError(try IDXArray.read(path: floats)) { XCTAssert(($0 as? InputError)?.message.contains("not supported") == true) }
        let mismatch = try write([0, 0, 8, 1, 0, 0, 0, 2, 1, 2], "labels2")
        XCTAssertThrowsError(try MNISTAssetStore(name: "x", source: MNISTSource(imagesPath: images, labelsPath: mismatch)))
        XCTAssertThrowsError(try IDXArray.read(path: "/nonexistent/idx"))
    }

    func testBundledGzipMNISTLoadsOnceAndIsShared() throws {
        let dir = Fixtures.path("data/mnist")
        let source = try XCTUnwrap(MNISTSource.locate(directory: dir, split: "test"))
        XCTAssert(source.imagesPath.hasSuffix("t10k-images-idx3-ubyte.gz"))
        let a = try MNISTAssetStore.shared(name: "mnist-test", source: source)
        let b = try MNISTAssetStore.shared(name: "mnist-test", source: source)
        XCTAssert(a === b)
        XCTAssertEqual(a.count, 10_000)
        XCTAssertEqual((0...9).map { a.count(ofClass: String($0)) }.reduce(0, +), 10_000)
        let image = try a.image(AssetRef(store: "mnist-test", index: 0))
        XCTAssertEqual([image.width, image.height, image.channels], [28, 28, 1])
        XCTAssert(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertGreaterThan(image.pixels.reduce(0, +), 10, "a digit has ink")
        // The same files under another name (an original-format asset_dir) keep that name.
        let renamed = try MNISTAssetStore.shared(name: "../../data/mnist", source: source)
        XCTAssertEqual(renamed.name, "../../data/mnist")
        XCTAssertEqual(try MNISTAssetStore.shared(name: "mnist-test", source: source).name, "mnist-test")
        XCTAssertEqual(try renamed.image(AssetRef(store: renamed.name, index: 0)), image)
    }
}
