import Foundation
import Render
import Scene
import Tensor

/// Rendering as a differentiable tensor op: transformed features `[G, N, width]` in, images
/// `[G, C, H, W]` out, with the renderer's vector–Jacobian product as the backward pass.
///
/// Forward: the features are decoded into copies of the batch's graphs (mutable attributes
/// only) and rendered. Backward: dL/dImage goes to `Renderer.vjp` (exact for the built-in
/// compositor, finite differences for external engines), which returns dL/d(attribute) in
/// attribute units; the chain rule through de-normalisation multiplies by each node's range
/// span (`value = min + unit · (max − min)`, then wrap, whose derivative is 1). Entries that are
/// not mutable get no gradient.
public struct DifferentiableRenderer: Sendable {
    /// Draws the decoded graphs and supplies the backward pass (`Renderer.vjp`).
    public let renderer: any Renderer
    /// Decodes feature tensors into graph attributes (and knows each attribute's range).
    public let encoder: SceneEncoder

    /// The first error a backward pass met (the backward closure cannot throw).
    private let failure = FailureBox()

    /// Pairs a renderer with the encoder of the grammar whose graphs it will draw; unchecked.
    public init(renderer: any Renderer, encoder: SceneEncoder) {
        self.renderer = renderer
        self.encoder = encoder
    }

    /// Throws the error of a failed renderer VJP since the last call, if any. Call after each
    /// backward pass that went through this op.
    public func checkBackward() throws {
        if let error = failure.take() { throw error }
    }

    /// Renders `features` (laid out like `encoder.encode(graphs)`) applied to `graphs`.
    /// Returns the images and the decoded graphs they show.
    public func callAsFunction(_ features: Tensor, graphs: [SceneGraph]) throws -> (images: Tensor, graphs: [SceneGraph]) {
        let result = try render(features, graphs: graphs, groundTruth: false)
        return (result.images, result.graphs)
    }

    /// As `callAsFunction`, and with `groundTruth` also each image's ground truth (object boxes,
    /// masks; nil otherwise).
    public func render(_ features: Tensor, graphs: [SceneGraph], groundTruth: Bool)
        throws -> (images: Tensor, graphs: [SceneGraph], groundTruth: [GroundTruth]?) {
        var decoded = graphs
        encoder.decode(features.data, into: &decoded)
        var truth: [GroundTruth]?
        let pixels: [Float]
        if groundTruth {
            let rendered = try renderer.render(decoded)
            truth = rendered.map(\.groundTruth)
            pixels = rendered.flatMap(\.image.pixels)
        } else {
            pixels = try renderer.renderPixels(decoded)
        }
        let canvas = renderer.canvas
        let output = Tensor(shape: [graphs.count, canvas.channels, canvas.height, canvas.width],
                            data: channelsFirst(pixels, count: graphs.count, canvas: canvas))
        guard features.requiresGrad else { return (output, decoded, truth) }
        let (renderer, schema, failure) = (self.renderer, encoder.schema, self.failure)
        let shape = features.shape
        let images = Tensor.custom(inputs: [features], output: output) { g in
            let perImage = canvas.width * canvas.height * canvas.channels
            let interleaved = channelsLast(g.data, count: decoded.count, canvas: canvas)
            let imageGradients = (0..<decoded.count).map { Array(interleaved[($0 * perImage)..<(($0 + 1) * perImage)]) }
            var grad = [Float](repeating: 0, count: shape.reduce(1, *))
            let attributeGradients: [AttributeGradients]
            do {
                attributeGradients = try renderer.vjp(decoded, imageGradients: imageGradients)
            } catch {
                failure.record(error)  // rethrown by `checkBackward()`; the gradient stays 0
                return [Tensor(shape: shape, data: grad)]
            }
            let (maxNodes, width, first) = (shape[1], shape[2], schema.classes.count)
            for (gi, graph) in decoded.enumerated() {
                for (n, node) in graph.nodes.enumerated() {
                    for (a, attribute) in schema.attributes.enumerated() {
                        guard let d = attributeGradients[gi][n, attribute.name],
                              let range = attribute.range(forRule: node.rule) else { continue }
                        grad[(gi * maxNodes + n) * width + first + a] = Float(d * (range.max - range.min))
                    }
                }
            }
            return [Tensor(shape: shape, data: grad)]
        }
        return (images, decoded, truth)
    }
}

/// Holds the first error recorded from inside a non-throwing closure.
final class FailureBox: @unchecked Sendable {
    private var error: Error?
    private let lock = NSLock()

    func record(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = e }
    }

    func take() -> Error? {
        lock.lock(); defer { lock.unlock() }
        defer { error = nil }
        return error
    }
}
