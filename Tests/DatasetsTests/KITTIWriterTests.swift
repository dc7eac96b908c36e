import Foundation
import Render
import XCTest
@testable import Datasets

/// The KITTI object layout: label lines field by field, calibration files, parsing back.
final class KITTIWriterTests: XCTestCase {
    func testLabelLineHasTheDevkitsFifteenFields() throws {
        let object = ObjectAnnotation(node: 3, className: "car", instanceId: 1, bbox: BoundingBox(x: 10, y: 20, width: 30, height: 15),
                                      visiblePixels: 300, visibleFraction: 0.5, outsideCanvas: false,
                                      fullBBox: BoundingBox(x: -5, y: 18, width: 50, height: 20), truncation: 0.25, occlusion: 0.3,
                                      box3D: Box3D(x: -2, y: 1.65, z: 20, height: 1.5, width: 1.8, length: 4.2, rotationY: -.pi / 2))
        let label = try XCTUnwrap(KITTIObjectLabel(object: object, width: 64, height: 32))
        // alpha = ry − atan2(x, z) = −π/2 − atan2(−2, 20) = −1.5708 + 0.0997
        XCTAssertEqual(label.line, "Car 0.25 1 -1.47 0.00 18.00 45.00 32.00 1.50 1.80 4.20 -2.00 1.65 20.00 -1.57")
        XCTAssertEqual(label.line.split(separator: " ").count, 15)
        let parsed = try KITTIObjectLabel(parsing: Substring(label.line), file: "f", lineNumber: 1)
        XCTAssertEqual(parsed.type, "Car")
        XCTAssertEqual(parsed.bbox, [0, 18, 45, 32])
        XCTAssertEqual(parsed.dimensions, [1.5, 1.8, 4.2])
        XCTAssertEqual(parsed.location, [-2, 1.65, 20])
        XCTAssertEqual(parsed.occluded, 1)
        // Not a KITTI type, or nothing visible: no label.
        var tree = object
        tree.className = "tree"
        XCTAssertNil(KITTIObjectLabel(object: tree, width: 64, height: 32))
        var hidden = object
        hidden.visiblePixels = 0
        hidden.bbox = nil
        XCTAssertNil(KITTIObjectLabel(object: hidden, width: 64, height: 32))
        // Without 3D (the 2D compositor): the devkit's unknown values.
        let flat = try XCTUnwrap(KITTIObjectLabel(object: ObjectAnnotation(node: 0, className: "Pedestrian", instanceId: 1,
            bbox: BoundingBox(x: 1, y: 2, width: 3, height: 4), visiblePixels: 12, visibleFraction: 1, outsideCanvas: false), width: 9, height: 9))
        XCTAssertEqual(flat.line, "Pedestrian 0.00 0 -10.00 1.00 2.00 4.00 6.00 -1.00 -1.00 -1.00 -1000.00 -1000.00 -1000.00 -10.00")
    }

    func testBadLabelLinesNameTheField() {
        func error(_ line: String) -> String {
            do { _ = try KITTIObjectLabel(parsing: Substring(line), file: "l.txt", lineNumber: 4); return "no error" } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(error("Car 0 0").contains("3 fields"), error("Car 0 0"))
        XCTAssertTrue(error("Auto 0 0 0 1 2 3 4 1 1 1 0 0 9 0").contains("type 'Auto'"))
        XCTAssertTrue(error("Car 0 7 0 1 2 3 4 1 1 1 0 0 9 0").contains("occluded '7'"))
        XCTAssertTrue(error("Car 0 0 0 1 2 x 4 1 1 1 0 0 9 0").contains("bbox right 'x'"))
        XCTAssertTrue(error("Car 0 0 0 1 2 3 4 1 1 1 0 0 nan 0").contains("z 'nan'"))
        XCTAssertTrue(error("Car 0 0 0 1 2 3 4 1 1 1 0 0 9 0").contains("no error"))
        XCTAssertTrue(error("Car 0 0 0 1 2 3 4 1 1 1 0 0 9 0 0.93").contains("no error"), "a detection's score may follow")
    }

    func testWriterLaysOutImagesLabelsAndCalibration() throws {
        let dir = try outputFolder("kitti-layout")
        let p: [[Double]] = [[100, 0, 32, 0], [0, 100, 16, 0], [0, 0, 1, 0]]
        let writer = try KITTIWriter(directory: dir, classes: ["car", "sign"], origin: DatasetOrigin(firstIndex: 7),
                                     cameraProjection: { _ in p })
        try writer.append(DatasetFixtures.scene(), graph: DatasetFixtures.graph(), label: nil)
        try writer.finish()
        XCTAssertEqual(try contents(dir), ["calib", "classes.json", "image_2", "label_2", "metasim-dataset.json"])
        let labels = try KITTIObjectLabel.read(dir + "/label_2/000007.txt")
        XCTAssertEqual(labels.map(\.type), ["Car"], "the visible car only; signs are no KITTI type, the second car is off the canvas")
        XCTAssertEqual(labels[0].bbox, [1, 1, 5, 4])
        let calib = try String(contentsOfFile: dir + "/calib/000007.txt", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(calib.map { String($0.split(separator: ":")[0]) }, ["P0", "P1", "P2", "P3", "R0_rect", "Tr_velo_to_cam", "Tr_imu_to_velo"])
        XCTAssertEqual(calib.map { $0.split(separator: " ").count - 1 }, [12, 12, 12, 12, 9, 12, 12])
        XCTAssertEqual(calib[2], "P2: 1.000000000000e+02 0.000000000000e+00 3.200000000000e+01 0.000000000000e+00 0.000000000000e+00 1.000000000000e+02 1.600000000000e+01 0.000000000000e+00 0.000000000000e+00 0.000000000000e+00 1.000000000000e+00 0.000000000000e+00")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/image_2/000007.png"))
        XCTAssertEqual(try DatasetVerifier.verify(directory: dir).manifest.classes, ["Car"])
    }
}
