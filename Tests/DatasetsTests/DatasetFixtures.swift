import Codecs
import Foundation
import Render
import Scene
import XCTest

/// Hand-built rendered images with known ground truth: axis-aligned rectangles painted in order
/// (later ones in front), masks and boxes derived from the painted pixels.
enum DatasetFixtures {
    struct Rect { var className: String; var x: Int; var y: Int; var w: Int; var h: Int }

    static func rendered(width: Int = 9, height: Int = 7, channels: Int = 3, rects: [Rect], seed: Int = 0) -> RenderedImage {
        var image = Image(width: width, height: height, channels: channels)
        for i in image.pixels.indices { image.pixels[i] = Float((i * 31 + seed * 17) % 256) / 255 }
        var instance = [UInt16](repeating: 0, count: width * height)
        for (k, r) in rects.enumerated() {
            let x0 = min(max(0, r.x), width), x1 = max(x0, min(width, r.x + r.w))
            let y0 = min(max(0, r.y), height), y1 = max(y0, min(height, r.y + r.h))
            for y in y0..<y1 {
                for x in x0..<x1 { instance[y * width + x] = UInt16(k + 1) }
            }
        }
        let classes = Array(Set(rects.map(\.className))).sorted()
        let semantic = instance.map { $0 == 0 ? 0 : UInt16(classes.firstIndex(of: rects[Int($0) - 1].className)! + 1) }
        var objects: [ObjectAnnotation] = []
        for (k, r) in rects.enumerated() {
            let pixels = instance.indices.filter { instance[$0] == UInt16(k + 1) }
            var box: BoundingBox?
            if !pixels.isEmpty {
                let xs = pixels.map { $0 % width }, ys = pixels.map { $0 / width }
                box = BoundingBox(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()! + 1, height: ys.max()! - ys.min()! + 1)
            }
            let outside = r.x >= width || r.y >= height || r.x + r.w <= 0 || r.y + r.h <= 0
            objects.append(ObjectAnnotation(node: k + 1, className: r.className, instanceId: k + 1, bbox: box,
                                            visiblePixels: pixels.count,
                                            visibleFraction: Double(pixels.count) / Double(r.w * r.h), outsideCanvas: outside))
        }
        return RenderedImage(image: image, groundTruth: GroundTruth(width: width, height: height, objects: objects,
                                                                    instanceMask: instance, semanticMask: semantic))
    }

    /// Two overlapping objects and one entirely off the canvas.
    static func scene(seed: Int = 0) -> RenderedImage {
        rendered(rects: [Rect(className: "car", x: 1, y: 1, w: 4, h: 3), Rect(className: "sign", x: 3 + seed % 2, y: 2, w: 3, h: 4),
                         Rect(className: "car", x: 20, y: 1, w: 2, h: 2)], seed: seed)
    }

    static func graph(_ count: Int = 3) -> SceneGraph {
        var graph = SceneGraph()
        let root = graph.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
        for i in 0..<count {
            graph.add(SceneNode(rule: "Thing", className: "thing", attributes: ["x": .number(Double(i))], mutable: ["x"]), parent: root)
        }
        return graph
    }
}

extension XCTestCase {
    /// A fresh empty folder, removed when the test ends (kept under $METASIM_KEEP_DATASETS/NAME
    /// when that variable is set, for the format checks in scripts/check_*.py).
    func outputFolder(_ name: String) throws -> String {
        if let keep = ProcessInfo.processInfo.environment["METASIM_KEEP_DATASETS"] {
            let path = keep + "/" + name
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }
        let path = NSTemporaryDirectory() + "metasim-datasets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func contents(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    func jsonObject(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }
}
