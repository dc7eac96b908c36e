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

    var images: String { folder.appendingPathComponent("images").path }

    func testFolderImagesAreResizedToTheCanvas() throws {
        for i in 0..<3 {
            try PNG.write(Image(width: 64, height: 64, channels: 3, fill: Float(i) / 4), to: folder.appendingPathComponent("images/\(i).png").path)
        }
        let target = try TargetSet.load(images: images, canvas: Canvas(width: 32, height: 32, channels: 1))
        XCTAssertEqual(target.images.shape, [3, 1, 32, 32])
        XCTAssertEqual(target.images.data[32 * 32 * 2], 0.5, accuracy: 1 / 255)
        XCTAssertNil(target.test)
    }

    func testMixedSizesAndEmptyFoldersAreInputErrors() throws {
        try PNG.write(Image(width: 32, height: 32, channels: 1), to: folder.appendingPathComponent("images/a.png").path)
        try PNG.write(Image(width: 16, height: 32, channels: 1), to: folder.appendingPathComponent("images/b.png").path)
        XCTAssertThrowsError(try TargetSet.load(images: images, canvas: Canvas(width: 32, height: 32))) { error in
            XCTAssertTrue(error is InputError, "\(error)")
            XCTAssertTrue("\(error)".contains("b.png"), "the error names the odd file: \(error)")
        }
        for name in ["a.png", "b.png"] { try FileManager.default.removeItem(at: folder.appendingPathComponent("images/" + name)) }
        XCTAssertThrowsError(try TargetSet.load(images: images, canvas: Canvas(width: 32, height: 32))) { error in
            XCTAssertTrue("\(error)".contains("no PNG or JPEG"), "\(error)")
        }
    }

    /// A rendered target: the unlabelled images, then labelled validation and test sets from
    /// later indices of the same seed, with the graphs behind the unlabelled images.
    func testRenderedTargetSplitsOneSeed() throws {
        let grammar = try squareGrammar(locX: 11, mutable: false)
        let target = try TargetSet.render(grammar: grammar, seed: 5, images: 3, validation: 2, test: 4)
        XCTAssertEqual(target.images.shape, [3, 1, 16, 16])
        XCTAssertEqual(target.graphs.count, 3)
        XCTAssertEqual(target.validation?.count, 2)
        XCTAssertEqual(target.test?.count, 4)
        XCTAssertEqual(target.test?.classes, ["Square"], "the classes the labelled images show")
    }
}
