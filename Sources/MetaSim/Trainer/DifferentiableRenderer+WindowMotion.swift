import Render
import Scene
import Tensor

extension DifferentiableRenderer {
    /// Normalised step of the finite differences of object centres (`windowMotion`).
    public static let centreStep: Float = 0.05

    /// How the centre of each object's window (`crops.centres`: its centroid, or its frame
    /// anchor) moves per normalised unit of each mutable attribute of its own node (forward
    /// differences of step `centreStep`: one extra render per mutable column), for the crop
    /// windows to follow their objects (`ObjectCrops.Motion`). A window's turn is held fixed.
    public func windowMotion(output: Tensor, mutableMask: [Float], graphs: [SceneGraph], truth: [GroundTruth],
                             crops: ObjectCrops) throws -> ObjectCrops.Motion {
        let (maxNodes, width) = (output.shape[1], output.shape[2])
        let base = truth.map(crops.centres)
        var derivatives = [[Int: [(column: Int, dx: Float, dy: Float)]]](repeating: [:], count: graphs.count)
        let columns = Set(mutableMask.indices.filter { mutableMask[$0] != 0 }.map { $0 % width }).sorted()
        for column in columns {
            var moved = output.data
            for g in graphs.indices { for n in 0..<maxNodes {
                let i = (g * maxNodes + n) * width + column
                if mutableMask[i] != 0 { moved[i] = moved[i] + (moved[i] + Self.centreStep <= 1 ? Self.centreStep : -Self.centreStep) }
            } }
            var decoded = graphs
            encoder.decode(moved, into: &decoded)
            let after = try renderer.render(decoded).map { crops.centres($0.groundTruth) }
            for g in graphs.indices {
                for (node, c0) in base[g] {
                    let i = (g * maxNodes + node) * width + column
                    guard node < maxNodes, mutableMask[i] != 0, let c1 = after[g][node] else { continue }
                    let step = moved[i] - output.data[i]
                    let (dx, dy) = ((c1.x - c0.x) / step, (c1.y - c0.y) / step)
                    if dx != 0 || dy != 0 { derivatives[g][node, default: []].append((column, dx, dy)) }
                }
            }
        }
        return ObjectCrops.Motion(output: output, centreDerivatives: derivatives)
    }
}
