import Foundation
import Scene

/// The vector–Jacobian product of any renderer by central finite differences:
/// dL/dθ ≈ Σ_p g_p · (I_p(θ + h) − I_p(θ − h)) / (2h), for each mutable numeric attribute θ.
///
/// Costs two renders per mutable attribute per graph. All perturbed graphs are rendered through
/// `renderer.renderPixels` in batches of `batchSize` (the renderer parallelises inside a batch;
/// an external renderer gets one request per batch). Use sub-pixel-exact renderers: one that
/// rounds positions to whole pixels gives zero or jumpy differences for small steps.
public struct FiniteDifferenceVJP: Sendable {
    /// The step `h`, in each attribute's own units. Must be finite and > 0.
    public var step: Double
    /// How many perturbed graphs go to the renderer at once (≥ 1).
    public var batchSize: Int
    /// Optional per-attribute steps that override `step` (for example `["yaw": 1.0]`).
    public var stepOverrides: [String: Double]

    /// Settings only; they are checked when `vjp` runs.
    public init(step: Double = 0.5, batchSize: Int = 256, stepOverrides: [String: Double] = [:]) {
        self.step = step
        self.batchSize = batchSize
        self.stepOverrides = stepOverrides
    }

    /// Same contract as `Renderer.vjp`. Throws `RenderError.mismatch` for bad counts or steps, and
    /// whatever the renderer throws.
    public func vjp(_ renderer: any Renderer, _ graphs: [SceneGraph], imageGradients: [[Float]]) throws -> [AttributeGradients] {
        try renderer.validateVJPInputs(graphs, imageGradients)
        guard step.isFinite, step > 0, batchSize >= 1, stepOverrides.values.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw RenderError.mismatch("finite differences: steps must be finite and > 0, batch size ≥ 1")
        }
        // One entry per (graph, node, attribute); perturbed graphs in pairs (+h, −h).
        struct Probe { var graph: Int; var node: Int; var attribute: String; var h: Double }
        var probes: [Probe] = []
        for (i, graph) in graphs.enumerated() {
            for (k, node) in graph.nodes.enumerated() {
                for name in node.mutable.sorted() {
                    guard case .number = node.attributes[name] else { continue }
                    probes.append(Probe(graph: i, node: k, attribute: name, h: stepOverrides[name] ?? step))
                }
            }
        }
        var result = graphs.map { AttributeGradients(zeroFor: $0) }
        let size = renderer.canvas.width * renderer.canvas.height * renderer.canvas.channels
        let pairsPerBatch = max(1, batchSize / 2)
        var start = 0
        while start < probes.count {
            let batch = probes[start..<min(start + pairsPerBatch, probes.count)]
            var perturbed: [SceneGraph] = []
            perturbed.reserveCapacity(batch.count * 2)
            for probe in batch {
                guard case .number(let v) = graphs[probe.graph].nodes[probe.node].attributes[probe.attribute] else { continue }
                for sign in [1.0, -1.0] {
                    var g = graphs[probe.graph]
                    g.nodes[probe.node].attributes[probe.attribute] = .number(v + sign * probe.h)
                    perturbed.append(g)
                }
            }
            let pixels = try renderer.renderPixels(perturbed)
            guard pixels.count == perturbed.count * size else {
                throw RenderError.mismatch("finite differences: renderer returned \(pixels.count) values for \(perturbed.count) images of \(size)")
            }
            pixels.withUnsafeBufferPointer { px in
                for (j, probe) in batch.enumerated() {
                    let plus = px.baseAddress! + 2 * j * size, minus = plus + size
                    var sum = 0.0
                    imageGradients[probe.graph].withUnsafeBufferPointer { g in
                        for p in 0..<size { sum += Double(g[p]) * Double(plus[p] - minus[p]) }
                    }
                    result[probe.graph].nodes[probe.node][probe.attribute] = sum / (2 * probe.h)
                }
            }
            start += batch.count
        }
        return result
    }
}
