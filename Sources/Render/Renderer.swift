import Codecs
import Scene

/// Something that turns scene graphs into images with ground truth, and can say how the images
/// change with the graphs' mutable numeric attributes.
///
/// Every image of a renderer has the renderer's `canvas` size and channel count. Pixels use
/// `Codecs.Image`'s layout (`(y · width + x) · channels + c`).
public protocol Renderer: Sendable {
    /// Size and channels of every image this renderer draws.
    var canvas: Canvas { get }
    /// The class list behind every semantic mask (`semanticMask` value `i + 1` is `classes[i]`).
    var classes: [String] { get }
    /// Renders each graph, in order. Throws `InputError` for bad graphs (the file names the graph's
    /// index in the batch, `graph N`). An empty batch returns an empty array.
    func render(_ graphs: [SceneGraph]) throws -> [RenderedImage]
    /// The images alone, concatenated in batch order (`count · width · height · channels`
    /// floats); renderers may skip ground truth here. A default implementation uses `render`.
    func renderPixels(_ graphs: [SceneGraph]) throws -> [Float]
    /// Vector–Jacobian product of rendering: given `imageGradients[i]` = dL/d(pixels of graph i)
    /// (flat, `canvas.width · canvas.height · canvas.channels` values in image layout), returns
    /// dL/d(attribute) for every mutable numeric attribute of every node, in the attribute's own
    /// units (degrees for `yaw`, pixels for `loc_x`...). Attributes that do not change the image
    /// get 0. Throws when counts or lengths do not match.
    func vjp(_ graphs: [SceneGraph], imageGradients: [[Float]]) throws -> [AttributeGradients]
}

/// dL/d(attribute) for one scene graph: `nodes[k][name]` for each mutable numeric attribute
/// `name` of node `k` (nodes without one have an empty dictionary).
public struct AttributeGradients: Equatable, Sendable {
    /// One dictionary per graph node, in node order: attribute name → dL/d(attribute).
    public var nodes: [[String: Double]]

    /// Wraps per-node gradients, unchecked.
    public init(nodes: [[String: Double]]) {
        self.nodes = nodes
    }

    /// Zero gradients with the shape of `graph`'s mutable numeric attributes.
    public init(zeroFor graph: SceneGraph) {
        nodes = graph.nodes.map { node in
            if node.mutable.isEmpty { return [:] }
            var d = [String: Double](minimumCapacity: node.mutable.count)
            for name in node.mutable { if case .number? = node.attributes[name] { d[name] = 0 } }
            return d
        }
    }

    /// The gradient of one attribute, nil when it is not a mutable number.
    public subscript(node: Int, attribute: String) -> Double? {
        nodes.indices.contains(node) ? nodes[node][attribute] : nil
    }
}

extension Renderer {
    /// The images alone, concatenated in batch order (`count · width · height · channels` floats).
    public func renderPixels(_ graphs: [SceneGraph]) throws -> [Float] {
        try render(graphs).flatMap(\.image.pixels)
    }

    /// Checks a VJP's inputs: one gradient per graph, each the size of one image.
    func validateVJPInputs(_ graphs: [SceneGraph], _ imageGradients: [[Float]]) throws {
        let n = canvas.width * canvas.height * canvas.channels
        guard graphs.count == imageGradients.count else {
            throw RenderError.mismatch("vjp: \(graphs.count) graphs but \(imageGradients.count) image gradients")
        }
        for (i, g) in imageGradients.enumerated() where g.count != n {
            throw RenderError.mismatch("vjp: image gradient \(i) has \(g.count) values, expected \(n) (\(canvas.height)x\(canvas.width)x\(canvas.channels))")
        }
    }
}

/// Misuse of a renderer by the calling code (not bad user input) and failures of external
/// renderers.
public enum RenderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Counts or sizes that do not match.
    case mismatch(String)
    /// An external renderer process failed: it could not start, died, timed out or replied
    /// something that breaks the protocol.
    case external(String)

    /// The message, prefixed with which kind of renderer failed.
    public var description: String {
        switch self {
        case .mismatch(let m): return "renderer: \(m)"
        case .external(let m): return "external renderer: \(m)"
        }
    }
}
