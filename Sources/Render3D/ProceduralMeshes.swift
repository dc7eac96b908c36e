/// The meshes the renderer builds from node attributes (all sizes in metres, object frame:
/// X right, Y up, Z forward, origin at the centre of the bottom face).
enum ProceduralMeshes {
    /// A car `length × width × height`: one convex body (`MeshTemplate.carBody`: a box to 58 % of
    /// the height, a tapering glass-tinted cabin and roof above) 88 % of the width, on four
    /// 10-sided wheels of radius r = min(0.22 h, 0.2 l) outside the body (a 1 % gap: nothing
    /// touches or intersects, so every visible boundary is a silhouette or a crease).
    static func car(length: Float, width: Float, height: Float, color: SIMD3<Float>) -> [MeshPart] {
        let radius = min(0.22 * height, 0.2 * length), wheelWidth = 0.05 * width
        let clearance = 0.45 * radius
        var parts = [MeshPart(template: .carBody, scale: SIMD3(width * 0.88, height - clearance, length),
                              offset: SIMD3(0, (height + clearance) / 2, 0), albedo: color,
                              secondary: color * 0.3 + SIMD3(0.04, 0.05, 0.07))]
        let tyre = SIMD3<Float>(0.05, 0.05, 0.05)
        for x in [-1, 1] as [Float] {
            for z in [-1, 1] as [Float] {
                parts.append(MeshPart(template: .wheel, scale: SIMD3(wheelWidth, 2 * radius, 2 * radius),
                                      offset: SIMD3(x * (width - wheelWidth) / 2, radius, z * 0.32 * length), albedo: tyre))
            }
        }
        return parts
    }

    /// A box building `width` (across the road) × `length` (along it) × `height` (one part: no
    /// touching parts, so its image is continuous in its pose everywhere).
    static func building(length: Float, width: Float, height: Float, color: SIMD3<Float>) -> [MeshPart] {
        [MeshPart(template: .box, scale: SIMD3(width, height, length), offset: SIMD3(0, height / 2, 0), albedo: color)]
    }

    /// A tree `height` tall: a brown trunk (40 % of the height) under a 7-sided double-pyramid
    /// crown of radius `crown`, from 35 % of the height to the top.
    static func tree(height: Float, crown: Float, color: SIMD3<Float>) -> [MeshPart] {
        let trunk = 0.4 * height, crownBottom = 0.35 * height
        return [
            MeshPart(template: .box, scale: SIMD3(0.12 * crown + 0.08, trunk, 0.12 * crown + 0.08),
                     offset: SIMD3(0, trunk / 2, 0), albedo: SIMD3(0.30, 0.20, 0.12)),
            MeshPart(template: .crown, scale: SIMD3(2 * crown, height - crownBottom, 2 * crown),
                     offset: SIMD3(0, (height + crownBottom) / 2, 0), albedo: color),
        ]
    }

    /// A rectangle on the ground from `x0` to `x1` (world X) and `z0` to `z1` (world Z).
    static func groundRect(_ x0: Float, _ x1: Float, _ z0: Float, _ z1: Float) -> [SIMD3<Float>] {
        [SIMD3(x0, 0, z0), SIMD3(x1, 0, z0), SIMD3(x1, 0, z1), SIMD3(x0, 0, z1)]
    }

    /// A straight road along +Z centred on world X = `centre`: asphalt `lanes · laneWidth +
    /// 2 · shoulder` wide from `start` to `end`, solid white edge lines (0.15 m) at the lane
    /// edges and dashed lines (0.12 m, 3 m dashes every 9 m) between lanes.
    static func road(centre: Float, lanes: Int, laneWidth: Float, shoulder: Float, start: Float, end: Float,
                     color: SIMD3<Float>) -> [(points: [SIMD3<Float>], albedo: SIMD3<Float>)] {
        let half = Float(lanes) * laneWidth / 2
        let white = SIMD3<Float>(0.85, 0.85, 0.82)
        var out: [(points: [SIMD3<Float>], albedo: SIMD3<Float>)] = [
            (groundRect(centre - half - shoulder, centre + half + shoulder, start, end), color),
        ]
        for x in [centre - half, centre + half] {
            out.append((groundRect(x - 0.075, x + 0.075, start, end), white))
        }
        if lanes > 1 {
            let firstDash = (start / 9).rounded(.up) * 9
            for k in 1..<lanes {
                let x = centre - half + Float(k) * laneWidth
                var z = firstDash
                while z < end {
                    out.append((groundRect(x - 0.06, x + 0.06, z, min(z + 3, end)), white))
                    z += 9
                }
            }
        }
        return out
    }
}
