import Foundation
import Render
import Render3D
import Scene

/// Hand-built road scenes for the tests: a root, an environment, a camera, a road with `lanes`
/// lanes and the given cars (attribute dictionaries, `lane` picks the lane, default 0).
struct SceneBuilder {
    static let classes = ["road", "car", "building", "tree"]
    static let canvas = Canvas(width: 128, height: 64, channels: 3)

    var camera: [String: Double] = ["height": 1.5, "pitch": 0, "fov": 80]
    var environment: [String: Double] = ["sun_elevation": 40, "sun_azimuth": 30]
    var lanes = 1
    var road: [String: Double] = [:]
    var cars: [[String: Double]] = []
    /// Buildings (children of the road).
    var buildings: [[String: Double]] = []
    /// Attribute names made mutable on every car.
    var mutableCarAttributes: Set<String> = []
    var mutableCameraAttributes: Set<String> = []

    func graph() -> SceneGraph {
        var g = SceneGraph()
        let root = g.add(SceneNode(rule: "Image", className: "image"), parent: nil)
        g.add(SceneNode(rule: "Environment", className: "environment", attributes: attributes(environment, model: "environment")), parent: root)
        g.add(SceneNode(rule: "Camera", className: "camera", attributes: attributes(camera, model: "camera"),
                        mutable: mutableCameraAttributes), parent: root)
        let roadNode = g.add(SceneNode(rule: "Road", className: "road", attributes: attributes(road, model: "road")), parent: root)
        var laneNodes: [Int] = []
        for _ in 0..<lanes {
            laneNodes.append(g.add(SceneNode(rule: "Lane", className: "lane", attributes: ["model": .string("lane")]), parent: roadNode))
        }
        for building in buildings {
            g.add(SceneNode(rule: "Building", className: "building", attributes: attributes(building, model: "building"),
                            mutable: Set(building.keys)), parent: roadNode)
        }
        for car in cars {
            var a = car
            let lane = Int(a.removeValue(forKey: "lane") ?? 0)
            g.add(SceneNode(rule: "Car", className: "car", attributes: attributes(a, model: "car"), mutable: mutableCarAttributes),
                  parent: laneNodes[lane])
        }
        return g
    }

    func attributes(_ values: [String: Double], model: String) -> [String: AttributeValue] {
        var out = values.mapValues { AttributeValue.number($0) }
        out["model"] = .string(model)
        return out
    }

    static func renderer() throws -> Renderer3D {
        try Renderer3D(canvas: canvas, classes: classes)
    }

    /// Index in the ground truth's object list of node `node`.
    static func object(_ truth: GroundTruth, node: Int) -> ObjectAnnotation? {
        truth.objects.first { $0.node == node }
    }

    /// Node index of car `k` in `graph()` (after root, environment, camera, road, lanes, buildings).
    func carNode(_ k: Int) -> Int { 4 + lanes + buildings.count + k }
    /// Node index of building `k`.
    func buildingNode(_ k: Int) -> Int { 4 + lanes + k }
}

/// A smooth upstream gradient (a few low-frequency waves per channel) for a 3-channel canvas, so
/// that L = Σ g·I is a smooth function of the pose and differences at different steps agree
/// (white noise would make dL/dθ jump each time an edge crosses a pixel centre).
func smoothUpstream(_ canvas: Canvas, seed: Float) -> [Float] {
    let w = canvas.width, h = canvas.height
    var out = [Float](repeating: 0, count: w * h * 3)
    for y in 0..<h {
        for x in 0..<w {
            for c in 0..<3 {
                let fx = Float(x), fy = Float(y), phase = seed + Float(c)
                let a = sin(0.07 * fx + phase) * cos(0.11 * fy - phase)
                let b = 0.5 * sin(0.05 * fx + 0.09 * fy + 2 * phase)
                out[(y * w + x) * 3 + c] = a + b
            }
        }
    }
    return out
}
