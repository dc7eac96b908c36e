import Foundation
import Scene

extension Camera3D {
    /// The 3 × 4 projection matrix `P = K · [R_x(pitch) | 0]` from the level camera frame of the
    /// KITTI boxes (`Box3D`: the camera's position and yaw without its pitch) to homogeneous
    /// pixel coordinates: `(u·w, v·w, w) = P · (x, y, z, 1)`, `K = [[f, 0, cx], [0, f, cy],
    /// [0, 0, 1]]`, `R_x(pitch)` the level → camera rotation (rows (1, 0, 0), (0, cos p, −sin p),
    /// (0, sin p, cos p); positive pitch looks down). Rows as arrays, Double.
    public var levelProjection: [[Double]] {
        let f = Double(focal), u0 = Double(cx), v0 = Double(cy)
        let c = Double(cos(pitch)), s = Double(sin(pitch))
        // K · R: column j of R mixed by K's rows.
        return [[f, u0 * s, u0 * c, 0],
                [0, f * c + v0 * s, -f * s + v0 * c, 0],
                [0, s, c, 0]]
    }
}

extension Renderer3D {
    /// The camera `graph` describes (the default camera when it has none), at this canvas.
    /// Throws what rendering the graph would throw (`InputError`, file `graph 0`).
    public func camera(for graph: SceneGraph) throws -> Camera3D {
        try SceneReader.read(graph, graphIndex: 0, canvas: canvas, classIndex: classIndex).camera
    }
}
