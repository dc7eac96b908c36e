/// Encodes scene graphs to feature matrices for learning and writes learned values back.
///
/// Per node: a one-hot of the node's class over `schema.classes`, then each encoded attribute
/// normalised to [0, 1] by its range (wrapped or clamped first). An attribute the node lacks,
/// or holds as a non-number, or whose rule does not encode it (`EncodedAttribute.unencodedRules`),
/// encodes as 0 with mask 0. The mutability mask is 1 exactly where
/// an encoded attribute is in the node's `mutable` set; class columns are never mutable.
public struct SceneEncoder: Sendable {
    /// The column layout and attribute ranges used by `encode` and `decode`.
    public let schema: EncodingSchema

    /// An encoder for graphs described by `schema`.
    public init(_ schema: EncodingSchema) {
        self.schema = schema
    }

    /// Encodes `graphs` into one padded batch. NaN attribute values encode as NaN.
    public func encode(_ graphs: [SceneGraph]) -> EncodedBatch {
        let width = schema.width
        let maxNodes = graphs.map(\.nodes.count).max() ?? 0
        let count = graphs.count
        var features = [Float](repeating: 0, count: count * maxNodes * width)
        var mask = features
        var adjacency = [Float](repeating: 0, count: count * maxNodes * maxNodes)
        var nodeMask = [Float](repeating: 0, count: count * maxNodes)
        let classColumn = Dictionary(schema.classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let first = schema.classes.count
        for (g, graph) in graphs.enumerated() {
            for (n, node) in graph.nodes.enumerated() {
                let row = (g * maxNodes + n) * width
                nodeMask[g * maxNodes + n] = 1
                if let c = classColumn[node.className] { features[row + c] = 1 }
                for (a, attribute) in schema.attributes.enumerated() {
                    guard let value = node.number(attribute.name), let range = attribute.range(forRule: node.rule) else { continue }
                    features[row + first + a] = Float(range.normalise(value))
                    if node.mutable.contains(attribute.name) { mask[row + first + a] = 1 }
                }
                if let parent = node.parent, parent >= 0, parent < graph.nodes.count {
                    adjacency[(g * maxNodes + parent) * maxNodes + n] = 1
                }
            }
        }
        return EncodedBatch(graphCount: count, maxNodes: maxNodes, width: width,
                            featureNames: schema.featureNames, nodeCounts: graphs.map(\.nodes.count),
                            features: features, mutableMask: mask, adjacency: adjacency, nodeMask: nodeMask)
    }

    /// Writes the values in `features` (laid out like `encode(graphs).features`:
    /// `[graphs.count, maxNodes, width]`, `maxNodes` the largest node count of `graphs`) back
    /// into the MUTABLE numeric attributes of `graphs`: de-normalised by each node's range,
    /// then wrapped or clamped into it. Everything else (classes, immutable attributes,
    /// padding rows) is left alone. A NaN feature leaves its attribute unchanged.
    /// Precondition: `features.count == graphs.count * maxNodes * schema.width`.
    public func decode(_ features: [Float], into graphs: inout [SceneGraph]) {
        let width = schema.width
        let maxNodes = graphs.map(\.nodes.count).max() ?? 0
        precondition(features.count == graphs.count * maxNodes * width,
                     "SceneEncoder.decode: \(features.count) features for \(graphs.count)x\(maxNodes)x\(width)")
        let first = schema.classes.count
        for g in graphs.indices {
            for n in graphs[g].nodes.indices {
                let row = (g * maxNodes + n) * width
                for (a, attribute) in schema.attributes.enumerated() {
                    let node = graphs[g].nodes[n]
                    guard node.mutable.contains(attribute.name), node.number(attribute.name) != nil,
                          let range = attribute.range(forRule: node.rule) else { continue }
                    let unit = Double(features[row + first + a])
                    guard !unit.isNaN else { continue }
                    let value = range.denormalise(unit)
                    graphs[g].nodes[n].attributes[attribute.name] = .number(value)
                }
            }
        }
    }
}
