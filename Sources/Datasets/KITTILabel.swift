import Diagnostics
import Foundation
import Render

/// One line of a KITTI object label file (`label_2/NNNNNN.txt`), the 15 fields of the object
/// devkit's readme (devkit_object/readme.txt), in its order:
///
/// | # | field | here |
/// | --- | --- | --- |
/// | 1 | type | `Car`, `Van`, `Truck`, `Pedestrian`, `Person_sitting`, `Cyclist`, `Tram`, `Misc` or `DontCare` |
/// | 2 | truncated | 0…1, share of the object outside the image (`ObjectAnnotation.truncation`; 0 without one) |
/// | 3 | occluded | 0 fully visible, 1 partly, 2 largely occluded, 3 unknown (`occlusionLevel(fraction:)`) |
/// | 4 | alpha | observation angle, radians in [−π, π): `rotation_y − atan2(x, z)` |
/// | 5–8 | bbox | left, top, right, bottom px: the full extent (`fullBBox`) clipped to the image, else the visible box |
/// | 9–11 | dimensions | height, width, length, metres |
/// | 12–14 | location | x, y, z of the bottom-face centre in camera coordinates, metres |
/// | 15 | rotation_y | radians in [−π, π) around the camera's y axis |
///
/// Objects without a 3D box (the 2D compositor) get the devkit's "unknown" values: dimensions
/// −1, location −1000, alpha and rotation_y −10. Numbers are written with 2 decimals, as KITTI's
/// own files.
public struct KITTIObjectLabel: Equatable, Sendable {
    /// KITTI's object types, in the devkit's spelling.
    public static let types = ["Car", "Van", "Truck", "Pedestrian", "Person_sitting", "Cyclist", "Tram", "Misc", "DontCare"]

    public var type: String
    public var truncated: Double
    public var occluded: Int
    public var alpha: Double
    /// left, top, right, bottom, px.
    public var bbox: [Double]
    /// height, width, length, metres.
    public var dimensions: [Double]
    /// x, y, z, metres.
    public var location: [Double]
    public var rotationY: Double

    /// KITTI's type for a class name: the type spelled the same ignoring case (`car` → `Car`),
    /// nil for classes KITTI has no type for (buildings, trees, digits: left out of labels).
    public static func type(of className: String) -> String? {
        types.first { $0.lowercased() == className.lowercased() }
    }

    /// KITTI's occlusion level for a rendered occlusion fraction (1 − visible / covered alone).
    /// KITTI's levels were judged by annotators; ours cut the fraction at 0.1 and 0.5
    /// (≤ 0.1: 0 fully visible, ≤ 0.5: 1 partly, above: 2 largely). Nil (unknown) gives 3.
    public static func occlusionLevel(fraction: Double?) -> Int {
        guard let fraction else { return 3 }
        return fraction <= 0.1 ? 0 : (fraction <= 0.5 ? 1 : 2)
    }

    /// KITTI's 2D box of an object on a `width × height` image: its full extent (occluded parts
    /// included) clipped to the image, or the box of its visible pixels for renderers that give
    /// no full extent; nil when nothing of it is visible. left, top, right, bottom, px.
    public static func imageBox(of object: ObjectAnnotation, width: Int, height: Int) -> [Double]? {
        guard let visible = object.bbox, object.visiblePixels > 0 else { return nil }
        let b = object.fullBBox ?? visible
        return [Double(min(max(b.x, 0), width)), Double(min(max(b.y, 0), height)),
                Double(min(max(b.x + b.width, 0), width)), Double(min(max(b.y + b.height, 0), height))]
    }

    /// The label of a visible object of a KITTI type on a `width × height` image; nil when its
    /// class is not a KITTI type or nothing of it is visible.
    public init?(object: ObjectAnnotation, width: Int, height: Int) {
        guard let type = KITTIObjectLabel.type(of: object.className),
              let bbox = KITTIObjectLabel.imageBox(of: object, width: width, height: height) else { return nil }
        self.type = type
        self.bbox = bbox
        truncated = object.truncation ?? 0
        occluded = object.occlusion == nil ? 0 : KITTIObjectLabel.occlusionLevel(fraction: object.occlusion)
        if let b = object.box3D {
            dimensions = [b.height, b.width, b.length]
            location = [b.x, b.y, b.z]
            rotationY = b.rotationY
            alpha = KITTIObjectLabel.wrapped(b.rotationY - atan2(b.x, b.z))
        } else {
            dimensions = [-1, -1, -1]
            location = [-1000, -1000, -1000]
            rotationY = -10
            alpha = -10
        }
    }

    /// Parses one label line: 15 fields (16 with a detection's trailing score, ignored), the
    /// devkit's types and integer `occluded`. Throws `InputError` (file `file`, path `line N`)
    /// naming the field that is missing or malformed.
    public init(parsing text: Substring, file: String, lineNumber: Int) throws {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        func fail(_ message: String) -> InputError { InputError(file: file, path: "line \(lineNumber)", message: message) }
        guard fields.count == 15 || fields.count == 16 else { throw fail("\(fields.count) fields; a KITTI label has 15") }
        let names = ["type", "truncated", "occluded", "alpha", "bbox left", "bbox top", "bbox right", "bbox bottom",
                     "height", "width", "length", "x", "y", "z", "rotation_y"]
        var numbers: [Double] = []
        for i in 1..<15 {
            guard let v = Double(fields[i]), v.isFinite else { throw fail("\(names[i]) '\(fields[i])' is not a finite number") }
            numbers.append(v)
        }
        guard KITTIObjectLabel.types.contains(String(fields[0])) else { throw fail("type '\(fields[0])' is not a KITTI type") }
        guard let occluded = Int(fields[2]), (0...3).contains(occluded) else { throw fail("occluded '\(fields[2])' is not 0, 1, 2 or 3") }
        type = String(fields[0])
        truncated = numbers[0]
        self.occluded = occluded
        alpha = numbers[2]
        bbox = Array(numbers[3..<7])
        dimensions = Array(numbers[7..<10])
        location = Array(numbers[10..<13])
        rotationY = numbers[13]
    }

    /// Every label of a label file (empty lines skipped). Throws `InputError` naming the file
    /// when it cannot be read or a line does not parse.
    public static func read(_ path: String) throws -> [KITTIObjectLabel] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, message: "cannot read the label file")
        }
        return try text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { i, line in
            line.isEmpty ? nil : try KITTIObjectLabel(parsing: line, file: path, lineNumber: i + 1)
        }
    }

    /// An angle wrapped into [−π, π).
    static func wrapped(_ a: Double) -> Double {
        let r = (a + .pi).truncatingRemainder(dividingBy: 2 * .pi)
        return (r < 0 ? r + 2 * .pi : r) - .pi
    }

    /// The label line (no newline): 15 space-separated fields.
    public var line: String {
        func f(_ x: Double) -> String { String(format: "%.2f", x) }
        return ([type, f(truncated), String(occluded), f(alpha)] + bbox.map(f) + dimensions.map(f) + location.map(f) + [f(rotationY)])
            .joined(separator: " ")
    }
}

/// A KITTI calibration file (`calib/NNNNNN.txt`), laid out as the object devkit's: lines `P0:`
/// … `P3:` (3 × 4 projection matrices, row-major), `R0_rect:` (3 × 3), `Tr_velo_to_cam:` and
/// `Tr_imu_to_velo:` (3 × 4), numbers in `%.12e`.
///
/// One camera here: P0…P3 are all the renderer's projection of the label frame (`projection`,
/// baseline 0), so `P2 · (x, y, z, 1)` of a label's 3D point gives its pixel in `image_2`;
/// R0_rect is the identity (the labels' frame is already the one P projects); Tr_velo_to_cam
/// places a virtual velodyne (x forward, y left, z up) at the camera: rows (0 −1 0 0),
/// (0 0 −1 0), (1 0 0 0); Tr_imu_to_velo is `[I | 0]`.
public struct KITTICalibration: Equatable, Sendable {
    /// 3 × 4, rows: from the label frame (x right, y down, z forward, metres) to homogeneous pixels.
    public var projection: [[Double]]

    /// - Precondition: `projection` is 3 × 4.
    public init(projection: [[Double]]) {
        precondition(projection.count == 3 && projection.allSatisfy { $0.count == 4 }, "KITTICalibration: P must be 3 × 4")
        self.projection = projection
    }

    /// The file's text, newline-terminated.
    public var text: String {
        func row(_ name: String, _ values: [Double]) -> String {
            name + ": " + values.map { String(format: "%.12e", $0) }.joined(separator: " ") + "\n"
        }
        let p = projection.flatMap { $0 }
        return (0..<4).map { row("P\($0)", p) }.joined()
            + row("R0_rect", [1, 0, 0, 0, 1, 0, 0, 0, 1])
            + row("Tr_velo_to_cam", [0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0])
            + row("Tr_imu_to_velo", [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])
    }
}
