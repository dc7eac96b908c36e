import Foundation

/// A scene graph: the objects of one scene, their attributes and their parent → child structure.
///
/// Nodes are stored in pre-order (a parent always comes before its children); node 0 is the root.
/// The structure is held once, as each node's `parent` index; `edges` and `children(of:)` derive
/// from it. Graphs are value types and `Codable`; encode with `SceneGraph.jsonEncoder()` to get
/// byte-identical JSON for equal graphs (keys sorted).
public struct SceneGraph: Codable, Equatable, Sendable {
    /// The nodes in pre-order; `nodes[0]` is the root. Empty only for a graph made by hand.
    public var nodes: [SceneNode]

    /// A graph of `nodes`, taken as given: pre-order and valid parent indices are not checked.
    public init(nodes: [SceneNode] = []) {
        self.nodes = nodes
    }

    /// Directed parent → child edges, in node order.
    public var edges: [SceneEdge] {
        nodes.enumerated().compactMap { index, node in
            node.parent.map { SceneEdge(parent: $0, child: index) }
        }
    }

    /// Indices of the direct children of `index`, in node order.
    public func children(of index: Int) -> [Int] {
        nodes.indices.filter { nodes[$0].parent == index }
    }

    /// Appends `node` under `parent` (nil for the root) and returns its index.
    @discardableResult
    public mutating func add(_ node: SceneNode, parent: Int?) -> Int {
        var node = node
        node.parent = parent
        nodes.append(node)
        return nodes.count - 1
    }

    /// A JSON encoder whose output is deterministic (sorted keys, no pretty printing).
    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// One directed edge of a scene graph.
public struct SceneEdge: Codable, Equatable, Hashable, Sendable {
    /// Index in `SceneGraph.nodes` of the parent node.
    public var parent: Int
    /// Index in `SceneGraph.nodes` of the child node.
    public var child: Int

    /// An edge from node `parent` to node `child` (indices are not checked).
    public init(parent: Int, child: Int) {
        self.parent = parent
        self.child = child
    }
}

