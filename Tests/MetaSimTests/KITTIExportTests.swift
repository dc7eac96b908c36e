import Datasets
import Foundation
import Grammar
import Render
import Render3D
import TestSupport
import XCTest
@testable import MetaSim

/// `--format kitti` on driving scenes: labels parse, and each car's 3D box projected with the
/// calibration's P2 covers its 2D box (the two come from different code: the box from the
/// renderer's raster, the 3D box from the scene graph).
final class KITTIExportTests: XCTestCase {
    func testDrivingScenesExportWithConsistentCalibration() throws {
        let grammar = try Grammar.load(path: Repository.path("experiments/grammars/driving-prior.yaml"))
        let registry = grammar.assetRegistry()
        let generator = Generator(grammar: grammar, assets: registry, transformer: nil, renderer: try grammar.makeRenderer(assets: registry))
        let out = NSTemporaryDirectory() + "kitti-export-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        XCTAssertEqual(try generator.writeDataset(count: 6, seed: 3, learned: false, directory: out, format: .kitti, quiet: true), 6)
        var checked = 0
        for i in 0..<6 {
            let name = String(format: "%06d", i)
            let labels = try KITTIObjectLabel.read(out + "/label_2/\(name).txt")
            let calib = try String(contentsOfFile: out + "/calib/\(name).txt", encoding: .utf8)
            let p2 = calib.split(separator: "\n").first { $0.hasPrefix("P2:") }!.split(separator: " ").dropFirst().map { Double($0)! }
            XCTAssertEqual(p2.count, 12)
            for label in labels {
                XCTAssertEqual(label.type, "Car")
                guard label.truncated == 0, label.location[2] > 3 else { continue }
                let (h, w, l) = (label.dimensions[0], label.dimensions[1], label.dimensions[2])
                let ry = label.rotationY
                var us: [Double] = [], vs: [Double] = []
                for dx in [-l / 2, l / 2] { for dz in [-w / 2, w / 2] { for dy in [0, -h] {
                    // KITTI: the box's length along (cos ry, 0, −sin ry), width along (sin ry, 0, cos ry).
                    let x = label.location[0] + dx * cos(ry) + dz * sin(ry)
                    let z = label.location[2] - dx * sin(ry) + dz * cos(ry)
                    let y = label.location[1] + dy
                    let u = p2[0] * x + p2[1] * y + p2[2] * z + p2[3], v = p2[4] * x + p2[5] * y + p2[6] * z + p2[7]
                    let s = p2[8] * x + p2[9] * y + p2[10] * z + p2[11]
                    us.append(u / s); vs.append(v / s)
                } } }
                let projected = PixelBox(x0: us.min()!, y0: vs.min()!, x1: us.max()!, y1: vs.max()!)
                let box = PixelBox(x0: label.bbox[0], y0: label.bbox[1], x1: label.bbox[2], y1: label.bbox[3])
                // The mesh lies inside its 3D box: the raster box (floor/ceil) within the projected one ±1 px, and close to it.
                XCTAssertLessThanOrEqual(projected.x0, box.x0 + 1, "image \(i) \(label.line)")
                XCTAssertGreaterThanOrEqual(projected.x1, box.x1 - 1, "image \(i) \(label.line)")
                XCTAssertLessThanOrEqual(projected.y0, box.y0 + 1, "image \(i) \(label.line)")
                XCTAssertGreaterThanOrEqual(projected.y1, box.y1 - 1, "image \(i) \(label.line)")
                XCTAssertGreaterThan(box.iou(projected), 0.6, "image \(i) \(label.line)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 5, "enough untruncated cars to check")
    }
}
