/// A batch of encoded scene graphs as flat row-major `Float` arrays with explicit shapes,
/// padded to the largest graph of the batch (`maxNodes`).
///
/// - `features`, `mutableMask`: `[graphCount, maxNodes, width]`. Padding rows are all zero.
/// - `adjacency`: `[graphCount, maxNodes, maxNodes]`, `1` at `[g, parent, child]` for each
///   directed parent → child edge.
/// - `nodeMask`: `[graphCount, maxNodes]`, `1` for real nodes, `0` for padding.
/// An empty batch has `graphCount == 0`, `maxNodes == 0` and empty arrays.
public struct EncodedBatch: Codable, Equatable, Sendable {
    /// Number of graphs in the batch (the leading axis of every array).
    public var graphCount: Int
    /// Node count of the largest graph; every graph is padded to this many rows.
    public var maxNodes: Int
    /// Feature columns per node (`EncodingSchema.width`: class one-hot plus encoded attributes).
    public var width: Int
    /// Name of each of the `width` columns (`EncodingSchema.featureNames`).
    public var featureNames: [String]
    /// Real (unpadded) node count of each graph, `graphCount` entries.
    public var nodeCounts: [Int]
    /// Encoded node features `[graphCount, maxNodes, width]`: one-hot class columns, then
    /// attributes normalised to [0, 1] (NaN where the attribute value was NaN).
    public var features: [Float]
    /// Same shape as `features`: 1 where the column is an encoded attribute the node lets the
    /// model change, else 0.
    public var mutableMask: [Float]
    /// Directed edges `[graphCount, maxNodes, maxNodes]`: 1 at `[g, parent, child]`, else 0.
    public var adjacency: [Float]
    /// `[graphCount, maxNodes]`: 1 for real nodes, 0 for padding rows.
    public var nodeMask: [Float]

    /// Memberwise initialiser; the array sizes are not checked against the shapes
    /// (`SceneEncoder.encode` builds consistent batches).
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
