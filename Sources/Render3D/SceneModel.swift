import Foundation

/// What one scene graph becomes before rasterisation: a camera, lighting, ground decals and
/// solid objects in world coordinates (X right, Y up, Z forward, metres).
struct Scene3D {
    var camera: Camera3D
    var environment: Environment3D
    /// Flat things on the ground (roads with their markings), drawn first, in graph order.
    var decals: [GroundDecal]
    /// Solid objects (cars, buildings, trees), drawn back to front.
    var solids: [SolidObject]
    /// Every annotated node in graph order: (node index, class index). Instance id = position + 1.
    var annotated: [(node: Int, classIndex: Int)]
}

/// Sun, ambient light, sky and ground.
struct Environment3D {
    /// Unit vector toward the sun (world).
    var sun: SIMD3<Float>
    /// Ambient share of the light, 0...1: shade = ambient + (1 − ambient)·max(0, n·sun).
    var ambient: Float
    var skyHorizon: SIMD3<Float>
    var skyZenith: SIMD3<Float>
    var ground: SIMD3<Float>

    /// Lambert + ambient factor of a surface with unit normal `n`.
    @inline(__always)
    func shade(_ n: SIMD3<Float>) -> Float {
        ambient + (1 - ambient) * max(0, (n * sun).sum())
    }
}

/// Convex polygons lying on the ground (Y = 0) that belong to one annotated node.
struct GroundDecal {
    /// Index into `Scene3D.annotated`.
    var slot: Int
    /// Convex polygons, world coordinates, with their albedo; drawn in order (later on top).
    var polygons: [(points: [SIMD3<Float>], albedo: SIMD3<Float>)]
}

/// One part of a solid: a template mesh scaled and moved in the object's frame.
struct MeshPart {
    var template: MeshTemplate
    /// Size of the part along local X, Y, Z (metres).
    var scale: SIMD3<Float>
    /// Centre of the part in the object's frame (metres).
    var offset: SIMD3<Float>
    var albedo: SIMD3<Float>
    /// Albedo of the template's secondary-material faces (car windows).
    var secondary: SIMD3<Float>? = nil
}

/// A solid object standing on the ground.
struct SolidObject {
    /// Index into `Scene3D.annotated`.
    var slot: Int
    /// Centre of the bottom face (world, Y = 0).
    var position: SIMD3<Float>
    /// Heading in the world, radians: forward = (sin yaw, 0, cos yaw) (positive turns right).
    var yaw: Float
    /// Height, width (local X), length (local Z), metres: the 3D box.
    var height: Float
    var width: Float
    var length: Float
    var parts: [MeshPart]
    /// Where its parent put it before its own offset and turn (world point) and the parent's
    /// direction there (unit, world): a car's lane centre at `along`; nil: no parent frame.
    var anchor: (point: SIMD3<Float>, direction: SIMD3<Float>)? = nil

    /// Object frame → world.
    @inline(__always)
    func toWorld(_ p: SIMD3<Float>) -> SIMD3<Float> {
        let (s, c) = (sin(yaw), cos(yaw))
        return position + SIMD3(c * p.x + s * p.z, p.y, -s * p.x + c * p.z)
    }
}
