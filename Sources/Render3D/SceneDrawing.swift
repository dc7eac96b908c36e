/// Draws a `Scene3D` into `FrameBuffers`: sky and ground, then ground decals in graph order,
/// then solids back to front (by the camera z of their centre) through the depth buffer.
enum SceneDrawing {
    static func draw(_ scene: Scene3D, into frame: inout FrameBuffers) {
        background(scene, into: &frame)
        var raster = Rasterizer(camera: scene.camera)
        let up = SIMD3<Float>(0, 1, 0)
        for decal in scene.decals {
            let light = scene.environment.shade(up)
            for polygon in decal.polygons {
                raster.begin()
                for point in polygon.points { raster.add(scene.camera.toCamera(point), soft: true) }
                raster.draw(color: polygon.albedo * light, slot: decal.slot, depthTest: false, into: &frame)
            }
        }
        let order = scene.solids.indices.map { i -> (Float, Int) in
            let s = scene.solids[i]
            return (scene.camera.toCamera(s.position + SIMD3(0, s.height / 2, 0)).z, i)
        }.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        var scratch = PartScratch()
        for (_, i) in order { drawSolid(scene.solids[i], scene, &raster, &scratch, into: &frame) }
        frame.resolvePartials()
    }

    /// Sky (horizon → zenith blend by the ray's elevation) and ground, one colour per row (the
    /// camera has no roll): the mean over `backgroundSamples` evenly spaced heights within the
    /// row, so a row the horizon crosses mixes sky and ground by area, and the steep parts of the
    /// shading right at the horizon (the ground's fade ∝ 1/distance², the sky's √elevation) are
    /// averaged over the row instead of sampled at its centre — sampled at the centre they made
    /// the image a sawtooth of the camera pitch with a period of one pixel row. Ground rows
    /// (centre below the horizon) get their analytic depth (`FrameBuffers.groundDepth`). Ground
    /// farther than `horizonFade` metres fades into the horizon colour (continuous at the horizon:
    /// both sides tend to the horizon colour).
    static let horizonFade: Float = 400
    /// Heights per row averaged by `background`.
    static let backgroundSamples = 16

    static func background(_ scene: Scene3D, into frame: inout FrameBuffers) {
        let cam = scene.camera, env = scene.environment
        let ground = env.ground * env.shade(SIMD3(0, 1, 0))
        let horizon = cam.horizonRow
        /// Background colour of the ray through continuous pixel row `v`.
        func color(_ v: Float) -> SIMD3<Float> {
            if let z = cam.groundDepth(row: v) {
                let fade = min(1, z / horizonFade)
                return ground + (env.skyHorizon - ground) * (fade * fade)
            }
            // Elevation of the ray (sine), for the sky gradient.
            let dir = cam.down * ((v - cam.cy) / cam.focal) + cam.forward
            let rise = max(0, dir.y / (dir * dir).sum().squareRoot())
            return env.skyHorizon + (env.skyZenith - env.skyHorizon) * rise.squareRoot()
        }
        let samples = backgroundSamples
        for y in 0..<frame.height {
            let v = Float(y) + 0.5
            // Ground truth only: the ground hides nothing (nothing is below it), so it stays out
            // of the depth test and solids' ramps blend over it at contact.
            if v - horizon >= 0, let z = cam.groundDepth(row: v) { frame.groundDepth[y] = z }
            var sum = SIMD3<Float>(repeating: 0)
            for k in 0..<samples { sum += color(Float(y) + (Float(k) + 0.5) / Float(samples)) }
            let color = sum / Float(samples)
            let width = frame.width
            frame.rgb.withUnsafeMutableBufferPointer { rgb in
                let row = rgb.baseAddress! + 3 * y * width
                for x in 0..<width { row[3 * x] = color.x; row[3 * x + 1] = color.y; row[3 * x + 2] = color.z }
            }
        }
    }

    /// Per-part arrays `drawSolid` fills, kept between parts and solids (no allocation per part once warm).
    struct PartScratch {
        var world: [SIMD3<Float>] = []
        var facing: [Bool] = []
        var colors: [SIMD3<Float>] = []
    }

    /// Every front-facing face of every part; an edge is soft when the face across it faces away,
    /// else a crease that mixes the two faces' colours over ½ px on each side.
    static func drawSolid(_ solid: SolidObject, _ scene: Scene3D, _ raster: inout Rasterizer, _ scratch: inout PartScratch,
                          into frame: inout FrameBuffers) {
        let eye = scene.camera.position
        for part in solid.parts {
            let t = part.template
            scratch.world.removeAll(keepingCapacity: true)
            for v in t.vertices { scratch.world.append(solid.toWorld(part.offset + part.scale * v)) }
            scratch.facing.removeAll(keepingCapacity: true)
            scratch.facing.append(contentsOf: repeatElement(false, count: t.faces.count))
            scratch.colors.removeAll(keepingCapacity: true)
            scratch.colors.append(contentsOf: repeatElement(.zero, count: t.faces.count))
            let world = scratch.world
            for (f, face) in t.faces.enumerated() {
                let a = world[face[0]], b = world[face[1]], c = world[face[2]]
                let n = cross3(b - a, c - a)
                let albedo = t.materials[f] == 1 ? (part.secondary ?? part.albedo) : part.albedo
                scratch.colors[f] = albedo * scene.environment.shade(n / max(1e-12, (n * n).sum().squareRoot()))
                // Front-facing by a margin (sine of the grazing angle > 1e-3): an edge-on face
                // has no reliable orientation on screen, so it counts as back-facing until its
                // sliver is wide enough to orient (it then takes over its neighbours' ramps).
                let toEye = eye - a
                scratch.facing[f] = (n * toEye).sum() > 1e-3 * (n * n).sum().squareRoot() * (toEye * toEye).sum().squareRoot()
            }
            for (f, face) in t.faces.enumerated() where scratch.facing[f] {
                raster.begin()
                for (i, v) in face.enumerated() {
                    let across = t.neighbours[f][i]
                    let soft = across < 0 || !scratch.facing[across]
                    raster.add(scene.camera.toCamera(world[v]), soft: soft, across: soft ? nil : scratch.colors[across])
                }
                raster.draw(color: scratch.colors[f], slot: solid.slot, depthTest: true, into: &frame)
            }
        }
    }
}
