/// A batch of encoded scene graphs as flat row-major `Float` arrays with explicit shapes,
/// padded to the largest graph of the batch (`maxNodes`).
///
/// - `features`, `mutableMask`: `[graphCount, maxNodes, width]`. Padding rows are all zero.
/// - `adjacency`: `[graphCount, maxNodes, maxNodes]`, `1` at `[g, parent, child]` for each
///   directed parent → child edge.
/// - `nodeMask`: `[graphCount, maxNodes]`, `1` for real nodes, `0` for padding.
/// An empty batch has `graphCount == 0`, `maxNodes == 0` and empty arrays.
public struct EncodedBatch: Codable, Equatable, Sendable {
    public var graphCount: Int
    public var maxNodes: Int
    public var width: Int
    public var featureNames: [String]
    public var nodeCounts: [Int]
    public var features: [Float]
    public var mutableMask: [Float]
    public var adjacency: [Float]
    public var nodeMask: [Float]

    public init(graphCount: Int, maxNodes: Int, width: Int, featureNames: [String], nodeCounts: [Int],
                features: [Float], mutableMask: [Float], adjacency: [Float], nodeMask: [Float]) {
        self.graphCount = graphCount
        self.maxNodes = maxNodes
        self.width = width
        self.featureNames = featureNames
        self.nodeCounts = nodeCounts
        self.features = features
        self.mutableMask = mutableMask
        self.adjacency = adjacency
        self.nodeMask = nodeMask
    }

    /// Shape of `features` and `mutableMask`.
    public var featureShape: [Int] { [graphCount, maxNodes, width] }
    /// Shape of `adjacency`.
    public var adjacencyShape: [Int] { [graphCount, maxNodes, maxNodes] }
    /// Shape of `nodeMask`.
    public var nodeMaskShape: [Int] { [graphCount, maxNodes] }

    /// Flat offset of feature `column` of node `node` of graph `graph`.
    public func offset(graph: Int, node: Int, column: Int) -> Int {
        (graph * maxNodes + node) * width + column
    }
}
