import Foundation

/// A closed convex mesh in a unit-sized local frame (X right, Y up, Z forward), made of convex
/// planar faces, with each face's neighbour across each edge (what decides silhouette edges).
struct MeshTemplate: Sendable {
    /// Vertices, local units.
    let vertices: [SIMD3<Float>]
    /// Faces as vertex indices, ordered so that `(v1 − v0) × (v2 − v0)` points outward.
    let faces: [[Int]]
    /// `neighbours[f][i]`: the face across the edge from `faces[f][i]` to `faces[f][i + 1]`.
    let neighbours: [[Int]]
    /// Per face: 0 = the part's albedo, 1 = its secondary albedo (car windows).
    let materials: [Int]

    /// Orients every face outward (the mesh must be convex) and finds the face neighbours.
    init(vertices: [SIMD3<Float>], faces rawFaces: [[Int]], materials: [Int]? = nil) {
        self.vertices = vertices
        self.materials = materials ?? [Int](repeating: 0, count: rawFaces.count)
        let centre = vertices.reduce(SIMD3<Float>(repeating: 0), +) / Float(vertices.count)
        var faces: [[Int]] = []
        for face in rawFaces {
            let v0 = vertices[face[0]], v1 = vertices[face[1]], v2 = vertices[face[2]]
            let n = cross3(v1 - v0, v2 - v0)
            let mid = face.map { vertices[$0] }.reduce(SIMD3<Float>(repeating: 0), +) / Float(face.count)
            faces.append(((n * (mid - centre)).sum() >= 0) ? face : face.reversed())
        }
        var owner: [Int: Int] = [:]   // directed edge key → face
        let key = { (a: Int, b: Int) in a * 4096 + b }
        for (f, face) in faces.enumerated() {
            for i in face.indices { owner[key(face[i], face[(i + 1) % face.count])] = f }
        }
        neighbours = faces.map { face in
            face.indices.map { i in owner[key(face[(i + 1) % face.count], face[i])] ?? -1 }
        }
        self.faces = faces
    }

    /// The unit box `[-0.5, 0.5]³`.
    static let box: MeshTemplate = {
        var v: [SIMD3<Float>] = []
        for x in [-0.5, 0.5] as [Float] { for y in [-0.5, 0.5] as [Float] { for z in [-0.5, 0.5] as [Float] { v.append(SIMD3(x, y, z)) } } }
        // index = 4·xi + 2·yi + zi
        let faces = [[0, 1, 3, 2], [4, 6, 7, 5], [0, 4, 5, 1], [2, 3, 7, 6], [0, 2, 6, 4], [1, 5, 7, 3]]
        return MeshTemplate(vertices: v, faces: faces)
    }()

    /// A prism of `sides` sides around the X axis (a wheel): radius 0.5, X in `[-0.5, 0.5]`.
    static func prismX(sides: Int) -> MeshTemplate {
        var v: [SIMD3<Float>] = []
        for x in [-0.5, 0.5] as [Float] {
            for k in 0..<sides {
                let a = (Float(k) + 0.5) * 2 * .pi / Float(sides)
                v.append(SIMD3(x, 0.5 * sin(a), 0.5 * cos(a)))
            }
        }
        var faces: [[Int]] = [Array(0..<sides), Array(sides..<(2 * sides))]
        for k in 0..<sides { let n = (k + 1) % sides; faces.append([k, n, sides + n, sides + k]) }
        return MeshTemplate(vertices: v, faces: faces)
    }

    /// A double pyramid (a tree crown): `sides` points on the unit-diameter circle at Y = 0,
    /// apexes at Y = ±0.5.
    static func bipyramid(sides: Int) -> MeshTemplate {
        var v: [SIMD3<Float>] = (0..<sides).map { k in
            let a = Float(k) * 2 * .pi / Float(sides)
            return SIMD3(0.5 * sin(a), 0, 0.5 * cos(a))
        }
        v.append(SIMD3(0, 0.5, 0))
        v.append(SIMD3(0, -0.5, 0))
        var faces: [[Int]] = []
        for k in 0..<sides {
            let n = (k + 1) % sides
            faces.append([k, n, sides])
            faces.append([n, k, sides + 1])
        }
        return MeshTemplate(vertices: v, faces: faces)
    }

    /// A car body in one convex piece: a box from Y = −0.5 to the belt line at Y = 0.05, and
    /// above it a cabin tapering to a roof (X ±0.4, Z −0.36…0.14) at Y = 0.5. The four sloping
    /// faces (windows, windscreen) use the secondary material. One closed mesh: body and cabin
    /// share edges (creases) instead of touching, so the image stays continuous in pose.
    static let carBody: MeshTemplate = {
        let b: [SIMD3<Float>] = [SIMD3(-0.5, -0.5, -0.5), SIMD3(0.5, -0.5, -0.5), SIMD3(0.5, -0.5, 0.5), SIMD3(-0.5, -0.5, 0.5)]
        let m = b.map { SIMD3<Float>($0.x, 0.05, $0.z) }
        let r: [SIMD3<Float>] = [SIMD3(-0.4, 0.5, -0.36), SIMD3(0.4, 0.5, -0.36), SIMD3(0.4, 0.5, 0.14), SIMD3(-0.4, 0.5, 0.14)]
        let faces = [[0, 1, 2, 3],
                     [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7],
                     [4, 5, 9, 8], [5, 6, 10, 9], [6, 7, 11, 10], [7, 4, 8, 11],
                     [8, 9, 10, 11]]
        return MeshTemplate(vertices: b + m + r, faces: faces, materials: [0, 0, 0, 0, 0, 1, 1, 1, 1, 0])
    }()

    static let wheel = prismX(sides: 10)
    static let crown = bipyramid(sides: 7)
}

@inline(__always)
func cross3(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
