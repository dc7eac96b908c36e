import Codecs
import Diagnostics
import Foundation
import Render
import Tensor
import XCTest
@testable import MetaSim

/// `evaluateDetector`: a detector trained on one KITTI folder and scored on another with
/// KITTI's AP, on a toy with a known answer (one bright box per image).
final class DetectorFolderEvaluationTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("detector-evaluation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// Writes `count` grey `size × size` images, each with one bright rectangle labelled `type`
    /// (8–20 px at 32 px, scaled with `size`), in KITTI's layout under `name`; returns the folder.
    func kittiToy(_ name: String, count: Int, seed: UInt64, size: Int = 32, type: String = "Car") throws -> String {
        let folder = root.appendingPathComponent(name)
        for sub in ["image_2", "label_2"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        var rng = SplitMix64(seed: seed)
        let scale = size / 32
        for i in 0..<count {
            let w = 8 + Int(rng.next() % 13), h = 8 + Int(rng.next() % 13)
            let x0 = Int(rng.next() % UInt64(33 - w)), y0 = Int(rng.next() % UInt64(33 - h))
            var image = Image(width: size, height: size, channels: 1, fill: 0)
            for y in 0..<size {
                for x in 0..<size {
                    let inside = (x0 * scale..<(x0 + w) * scale).contains(x) && (y0 * scale..<(y0 + h) * scale).contains(y)
                    image.pixels[y * size + x] = (inside ? 0.9 : 0) + 0.1 * rng.nextUniform()
                }
            }
            let stem = String(format: "%06d", i)
            try PNG.write(image, to: folder.appendingPathComponent("image_2/\(stem).png").path)
            let box = [x0, y0, x0 + w, y0 + h].map { String(Double($0 * scale)) }.joined(separator: " ")
            try Data("\(type) 0.00 0 -1.57 \(box) 1.50 1.70 4.20 1.00 1.60 20.00 0.00\n".utf8)
                .write(to: folder.appendingPathComponent("label_2/\(stem).txt"))
        }
        return folder.path
    }

    /// Trained on 96 toy images, the detector finds the boxes of held-out images drawn at twice
    /// the size (resized to the training size, their boxes scaled with them): a folder read with
    /// its boxes misplaced or unscaled scores near 0 instead.
    func testFindsTheBoxesOfAHeldOutFolderAtAnotherSize() throws {
        let train = try kittiToy("train", count: 96, seed: 1), test = try kittiToy("test", count: 32, seed: 2, size: 64)
        let result = try evaluateDetector(trainFolder: train, testFolder: test, epochs: 30, batchSize: 16, learningRate: 0.003,
                                          seed: 5, quiet: true)
        XCTAssertEqual(result.classes, ["car"])
        XCTAssertEqual(result.trainImages, 96)
        XCTAssertEqual(result.testImages, 32)
        XCTAssertEqual(Set(result.scores.keys), Set(["easy", "moderate", "hard"].flatMap { ["ap_\($0)", "ap50_\($0)"] }))
        XCTAssertGreaterThan(try XCTUnwrap(result.scores["ap50_moderate"]), 0.9, "\(result.scores)")
        XCTAssertGreaterThan(try XCTUnwrap(result.scores["ap_moderate"]), 0.8, "\(result.scores)")
    }

    /// Bad folders and settings are `InputError`s naming the folder or flag; nothing is trained.
    func testRefusesFoldersItCannotScore() throws {
        let train = try kittiToy("train", count: 4, seed: 1)
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch let error as InputError { return error.description } catch { return "other error \(error)" }
            return "no error"
        }
        let odd = root.appendingPathComponent("odd/image_2")
        try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("odd/label_2"), withIntermediateDirectories: true)
        try PNG.write(Image(width: 20, height: 12, channels: 3, fill: 0.5), to: odd.appendingPathComponent("000000.png").path)
        try Data("Car 0.00 0 -1.57 1 1 8 8 1.50 1.70 4.20 1.00 1.60 20.00 0.00\n".utf8)
            .write(to: root.appendingPathComponent("odd/label_2/000000.txt"))
        let size = message { _ = try evaluateDetector(trainFolder: root.appendingPathComponent("odd").path, testFolder: train,
                                                      epochs: 1, batchSize: 4, learningRate: 0.001, seed: 1, quiet: true) }
        XCTAssertTrue(size.contains("000000.png") && size.contains("multiples of 16"), size)
        let classes = message { _ = try evaluateDetector(trainFolder: train, testFolder: train, classes: ["truck"], epochs: 1,
                                                         batchSize: 4, learningRate: 0.001, seed: 1, quiet: true) }
        XCTAssertTrue(classes.contains("--train") && classes.contains("truck"), classes)
        let notDetection = message { _ = try evaluateDetector(trainFolder: train, testFolder: root.path, epochs: 1, batchSize: 4,
                                                              learningRate: 0.001, seed: 1, quiet: true) }
        XCTAssertTrue(notDetection.contains("not a detection folder") && notDetection.contains("--test"), notDetection)
        let empty = root.appendingPathComponent("empty")
        for sub in ["image_2", "label_2"] {
            try FileManager.default.createDirectory(at: empty.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let noImages = message { _ = try evaluateDetector(trainFolder: train, testFolder: empty.path, epochs: 1, batchSize: 4,
                                                          learningRate: 0.001, seed: 1, quiet: true) }
        XCTAssertTrue(noImages.contains("no PNG or JPEG images") && noImages.contains("--test"), noImages)
        let rate = message { _ = try evaluateDetector(trainFolder: train, testFolder: train, epochs: 1, batchSize: 4,
                                                      learningRate: .infinity, seed: 1, quiet: true) }
        XCTAssertTrue(rate.contains("--learning-rate"), rate)
    }
}
