import Codecs
import Diagnostics
import Scene
import XCTest
@testable import MetaSim

final class TargetSetTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("targets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("images"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func experiment() throws -> Experiment {
        let path = folder.appendingPathComponent("e.yaml").path
        try "grammar: \(repositoryRoot)/examples/grammars/mnist.yaml\ntarget: {images: images}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return try Experiment.load(path: path)
    }

    func testFolderImagesAreResizedToTheCanvas() throws {
        for i in 0..<3 {
            try PNG.write(Image(width: 64, height: 64, channels: 3, fill: Float(i) / 4), to: folder.appendingPathComponent("images/\(i).png").path)
        }
        let target = try TargetSet.load(try experiment(), canvas: Canvas(width: 32, height: 32, channels: 1), quiet: true)
        XCTAssertEqual(target.images.shape, [3, 1, 32, 32])
        XCTAssertEqual(target.images.data[32 * 32 * 2], 0.5, accuracy: 1 / 255)
        XCTAssertNil(target.test)
    }

    func testMixedSizesAndEmptyFoldersAreInputErrors() throws {
        try PNG.write(Image(width: 32, height: 32, channels: 1), to: folder.appendingPathComponent("images/a.png").path)
        try PNG.write(Image(width: 16, height: 32, channels: 1), to: folder.appendingPathComponent("images/b.png").path)
        XCTAssertThrowsError(try TargetSet.load(try experiment(), canvas: Canvas(width: 32, height: 32), quiet: true)) { error in
            XCTAssertTrue(error is InputError, "\(error)")
            XCTAssertTrue("\(error)".contains("b.png"), "the error names the odd file: \(error)")
        }
        for name in ["a.png", "b.png"] { try FileManager.default.removeItem(at: folder.appendingPathComponent("images/" + name)) }
        XCTAssertThrowsError(try TargetSet.load(try experiment(), canvas: Canvas(width: 32, height: 32), quiet: true)) { error in
            XCTAssertTrue("\(error)".contains("no PNG or JPEG"), "\(error)")
        }
    }
}
