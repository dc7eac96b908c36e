import Foundation

/// A pinhole camera above the ground plane (world frame: X right, Y up, Z forward along the
/// road, metres; the ground is Y = 0).
///
/// Camera coordinates follow KITTI/OpenCV: x right, y down, z forward (the optical axis).
/// Pixel `(x, y)` covers `[x, x+1) × [y, y+1)`; the principal point is the canvas centre and
/// pixels are square: `u = width/2 + f·x/z`, `v = height/2 + f·y/z`, `f = (width/2) / tan(fov/2)`.
public struct Camera3D: Equatable, Sendable {
    /// Position in the world, metres (`position.y` is the height above the ground).
    public var position: SIMD3<Float>
    /// Pitch, radians: positive looks down.
    public var pitch: Float
    /// Yaw, radians: positive turns right (toward +X).
    public var yaw: Float
    /// Focal length in pixels.
    public var focal: Float
    /// Principal point (canvas centre), pixels.
    public var cx: Float
    public var cy: Float
    /// Camera axes in world coordinates: right, down, forward.
    public let right: SIMD3<Float>
    public let down: SIMD3<Float>
    public let forward: SIMD3<Float>

    /// A camera at `height` metres above world point (`lateral`, 0, 0), looking along +Z turned by
    /// `yawDegrees` (right positive) and tilted down by `pitchDegrees`, with horizontal field of
    /// view `fovDegrees` (must be in (0, 180)) on a `width × height` pixel canvas.
    public init(height: Float, lateral: Float = 0, pitchDegrees: Float, yawDegrees: Float, fovDegrees: Float,
                width: Int, heightPixels: Int) {
        position = SIMD3(lateral, height, 0)
        pitch = pitchDegrees * .pi / 180
        yaw = yawDegrees * .pi / 180
        focal = Float(width) / 2 / tan(fovDegrees * .pi / 360)
        cx = Float(width) / 2
        cy = Float(heightPixels) / 2
        let (sy, cyaw) = (sin(yaw), cos(yaw)), (sp, cp) = (sin(pitch), cos(pitch))
        forward = SIMD3(sy * cp, -sp, cyaw * cp)
        right = SIMD3(cyaw, 0, -sy)
        down = SIMD3(-sy * sp, -cp, -cyaw * sp)
    }

    /// World point → camera coordinates (x right, y down, z forward), metres.
    @inline(__always)
    public func toCamera(_ p: SIMD3<Float>) -> SIMD3<Float> {
        let d = p - position
        return SIMD3((d * right).sum(), (d * down).sum(), (d * forward).sum())
    }

    /// Camera coordinates (z > 0) → continuous pixel coordinates.
    @inline(__always)
    public func project(_ c: SIMD3<Float>) -> SIMD2<Float> {
        SIMD2(cx + focal * c.x / c.z, cy + focal * c.y / c.z)
    }

    /// World point → the level camera frame of KITTI boxes: the camera's position and yaw
    /// without its pitch (x right, y straight down, z forward horizontally), metres.
    public func toLevelCamera(_ p: SIMD3<Float>) -> SIMD3<Float> {
        let d = p - position
        let f = SIMD3<Float>(sin(yaw), 0, cos(yaw))
        return SIMD3((d * right).sum(), -d.y, (d * f).sum())
    }

    /// Camera z (depth along the optical axis) of the ground plane at pixel row centre `v`
    /// (continuous pixel y), or nil when that row looks at or above the horizon. Does not depend
    /// on the column: the camera has no roll.
    public func groundDepth(row v: Float) -> Float? {
        // World-up component of the ray (x/z, y/z, 1) in camera coordinates: down.y·y/z + forward.y.
        let up = down.y * (v - cy) / focal + forward.y
        guard up < 0 else { return nil }
        return position.y / -up
    }

    /// Continuous pixel row of the horizon (where rays run parallel to the ground).
    public var horizonRow: Float { cy - focal * tan(pitch) }
}
