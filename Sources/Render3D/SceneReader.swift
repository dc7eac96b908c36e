import Diagnostics
import Foundation
import Scene

/// Turns a scene graph into a `Scene3D` (see README.md for the attributes each `model` reads).
enum SceneReader {
    /// The `model` names the renderer knows.
    static let models: Set<String> = ["camera", "environment", "road", "lane", "car", "building", "tree"]

    struct Road { var centre: Float; var lanes: Int; var laneWidth: Float; var shoulder: Float; var start: Float; var end: Float }

    /// Throws `InputError` (file `graph N`) for unknown models, bad attribute types or values,
    /// a second camera or environment, cars outside a lane, buildings or trees outside a road,
    /// and classes missing from `classIndex`.
    static func read(_ graph: SceneGraph, graphIndex: Int, canvas: Canvas, classIndex: [String: Int]) throws -> Scene3D {
        // A node's model, nil for structural nodes and for nodes hidden by `visible: false` on
        // themselves or an ancestor (the graph is in pre-order: parents come first).
        var kinds: [String?] = []
        var hidden: [Bool] = []
        var models: [String?] = []   // as written, hidden or not (lanes count toward road width)
        kinds.reserveCapacity(graph.nodes.count)
        for (k, node) in graph.nodes.enumerated() {
            let r = NodeReader(node: node, graphIndex: graphIndex, nodeIndex: k)
            let m = try r.string("model")
            if let m, !SceneReader.models.contains(m) {
                throw r.error("model", "unknown model '\(m)' (known: \(SceneReader.models.sorted().joined(separator: ", ")))")
            }
            let isHidden = !r.visible || (node.parent.map { $0 < hidden.count && hidden[$0] } ?? false)
            hidden.append(isHidden)
            kinds.append(isHidden ? nil : m)
            models.append(m)
        }
        var camera: Camera3D?
        var environment: Environment3D?
        var roads: [Int: Road] = [:]
        var laneIndex: [Int: Int] = [:]
        // Lanes first: a road's width depends on how many lanes it has (hidden ones included).
        var laneCount: [Int: Int] = [:]
        for (k, node) in graph.nodes.enumerated() where models[k] == "lane" {
            guard let p = node.parent, p < k, models[p] == "road" else {
                throw InputError(file: "graph \(graphIndex)", path: "nodes[\(k)]", message: "a lane must be a child of a road")
            }
            laneIndex[k] = laneCount[p, default: 0]
            laneCount[p, default: 0] += 1
        }
        var scene = Scene3D(camera: Camera3D(height: 1.65, pitchDegrees: 0, yawDegrees: 0, fovDegrees: 80,
                                             width: canvas.width, heightPixels: canvas.height),
                            environment: Environment3D(sun: SIMD3(0, 1, 0), ambient: 0.35, skyHorizon: .zero, skyZenith: .zero, ground: .zero),
                            decals: [], solids: [], annotated: [])
        func annotate(_ k: Int) throws -> Int {
            let name = graph.nodes[k].className
            guard let c = classIndex[name] else {
                throw InputError(file: "graph \(graphIndex)", path: "nodes[\(k)].class",
                                 message: "class '\(name)' is not in the renderer's class list")
            }
            scene.annotated.append((k, c))
            return scene.annotated.count - 1
        }
        for (k, node) in graph.nodes.enumerated() {
            guard let model = kinds[k] else { continue }
            let r = NodeReader(node: node, graphIndex: graphIndex, nodeIndex: k)
            switch model {
            case "camera":
                guard camera == nil else { throw r.error("model", "a second camera (one per scene)") }
                camera = Camera3D(height: try r.number("height", 1.65, in: 0.05...1000), lateral: try r.number("lateral", 0),
                                  pitchDegrees: try r.number("pitch", 0, in: -89...89), yawDegrees: try r.number("yaw", 0),
                                  fovDegrees: try r.number("fov", 80, in: 1...179), width: canvas.width, heightPixels: canvas.height)
            case "environment":
                guard environment == nil else { throw r.error("model", "a second environment (one per scene)") }
                environment = environmentOf(
                    elevation: try r.number("sun_elevation", 45, in: -90...90), azimuth: try r.number("sun_azimuth", 30),
                    ambient: try r.number("ambient", 0.35, in: 0...1), sky: try r.color(defaultSky, prefix: "sky"),
                    zenith: try r.color(defaultZenith, prefix: "zenith"), ground: try r.color(defaultGround, prefix: "ground"))
            case "road":
                let road = Road(centre: try r.number("lateral", 0), lanes: laneCount[k] ?? 0,
                                laneWidth: try r.number("lane_width", 3.5, in: 0.5...20), shoulder: try r.number("shoulder", 0.5, in: 0...20),
                                start: try r.number("start", -10), end: try r.number("start", -10) + (try r.number("length", 200, in: 0...10_000)))
                guard road.lanes >= 1 else { throw r.error("model", "a road needs at least one lane child (model: lane)") }
                roads[k] = road
                let slot = try annotate(k)
                scene.decals.append(GroundDecal(slot: slot, polygons: ProceduralMeshes.road(
                    centre: road.centre, lanes: road.lanes, laneWidth: road.laneWidth, shoulder: road.shoulder,
                    start: road.start, end: road.end, color: try r.color(SIMD3(0.32, 0.32, 0.34)))))
            case "lane":
                continue
            case "car":
                guard let p = node.parent, p < k, kinds[p] == "lane", let lane = laneIndex[p], let roadNode = graph.nodes[p].parent,
                      let road = roads[roadNode] else {
                    throw InputError(file: "graph \(graphIndex)", path: "nodes[\(k)]", message: "a car must be a child of a lane")
                }
                let laneReader = NodeReader(node: graph.nodes[p], graphIndex: graphIndex, nodeIndex: p)
                let direction: Float = try laneReader.number("direction", 1) < 0 ? -1 : 1
                let laneCentre = road.centre - Float(road.lanes) * road.laneWidth / 2 + (Float(lane) + 0.5) * road.laneWidth
                let length = try r.number("length", 4.2, in: 0.5...30), width = try r.number("width", 1.8, in: 0.3...10)
                let height = try r.number("height", 1.5, in: 0.3...10)
                let heading = (try r.number("heading", 0) + (direction < 0 ? 180 : 0)) * .pi / 180
                let slot = try annotate(k)
                let along = try r.number("along", 20)
                scene.solids.append(SolidObject(
                    slot: slot, position: SIMD3(laneCentre + (try r.number("offset", 0)), 0, along),
                    yaw: heading, height: height, width: width, length: length,
                    parts: ProceduralMeshes.car(length: length, width: width, height: height, color: try r.color(SIMD3(0.6, 0.6, 0.6))),
                    anchor: (SIMD3(laneCentre, height / 2, along), SIMD3(0, 0, direction))))
            case "building", "tree":
                guard let p = node.parent, p < k, let road = roads[p] else {
                    throw InputError(file: "graph \(graphIndex)", path: "nodes[\(k)]", message: "a \(model) must be a child of a road")
                }
                let side = try r.side(), setback = try r.number("setback", 3, in: 0...1000)
                let edge = Float(road.lanes) * road.laneWidth / 2 + road.shoulder + setback
                let slot = try annotate(k)
                if model == "building" {
                    let length = try r.number("length", 12, in: 0.5...500), width = try r.number("width", 8, in: 0.5...500)
                    let height = try r.number("height", 10, in: 0.5...500)
                    scene.solids.append(SolidObject(
                        slot: slot, position: SIMD3(road.centre + side * (edge + width / 2), 0, try r.number("along", 20)),
                        yaw: 0, height: height, width: width, length: length,
                        parts: ProceduralMeshes.building(length: length, width: width, height: height,
                                                         color: try r.color(SIMD3(0.6, 0.5, 0.4)))))
                } else {
                    let height = try r.number("height", 6, in: 0.5...100), crown = try r.number("crown", 1.5, in: 0.1...50)
                    scene.solids.append(SolidObject(
                        slot: slot, position: SIMD3(road.centre + side * (edge + crown), 0, try r.number("along", 20)),
                        yaw: 0, height: height, width: 2 * crown, length: 2 * crown,
                        parts: ProceduralMeshes.tree(height: height, crown: crown, color: try r.color(SIMD3(0.15, 0.35, 0.12)))))
                }
            default:
                continue
            }
        }
        if let camera { scene.camera = camera }
        scene.environment = environment ?? SceneReader.defaultEnvironment
        return scene
    }

    static let defaultSky = SIMD3<Float>(0.72, 0.80, 0.90)
    static let defaultZenith = SIMD3<Float>(0.32, 0.50, 0.82)
    static let defaultGround = SIMD3<Float>(0.30, 0.40, 0.20)
    /// Lighting when a scene has no `environment` node.
    static let defaultEnvironment = environmentOf(elevation: 45, azimuth: 30, ambient: 0.35, sky: defaultSky,
                                                  zenith: defaultZenith, ground: defaultGround)

    /// Sun from elevation (degrees above the horizon) and azimuth (degrees, clockwise from +Z
    /// toward +X); the sky is `0.6 + 0.4·max(0, sin elevation)` times its colours.
    static func environmentOf(elevation: Float, azimuth: Float, ambient: Float, sky: SIMD3<Float>, zenith: SIMD3<Float>,
                              ground: SIMD3<Float>) -> Environment3D {
        let e = elevation * .pi / 180, a = azimuth * .pi / 180
        let bright = 0.6 + 0.4 * max(0, sin(e))
        return Environment3D(sun: SIMD3(cos(e) * sin(a), sin(e), cos(e) * cos(a)), ambient: ambient,
                             skyHorizon: sky * bright, skyZenith: zenith * bright, ground: ground)
    }
}
