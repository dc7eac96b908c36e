import Assets
import Diagnostics
import Foundation
import Grammar
import Render
import Scene

extension Grammar {
    /// Renders `count` samples (seed 0) with the built-in compositor and reports what the
    /// renderer refuses — an unknown shape, a colour it cannot read, a canvas it cannot draw —
    /// as `InputError`s of this grammar's file at the rule's field
    /// (`rules.RULE.attributes.NAME`, or `canvas.channels`), so `validate` and `train` find them
    /// before any work instead of at the first render. Throws those errors; returns when the
    /// samples render.
    public func checkRenderable(count: Int = 2, assets: AssetRegistry? = nil) throws {
        let assets = assets ?? assetRegistry()
        let renderer = try makeRenderer(assets: assets)
        let graphs = try sample(seed: 0, range: 0..<count, assets: assets)
        _ = try render(graphs, with: renderer)
    }

    /// `renderer.render(graphs)`, with the renderer's `InputError`s (`graph G`,
    /// `nodes[K].attributes.NAME`) said as this grammar's (`FILE`, `rules.RULE.attributes.NAME`,
    /// the graph's sample noted). Other errors pass unchanged.
    public func render(_ graphs: [SceneGraph], with renderer: any Renderer) throws -> [RenderedImage] {
        do {
            return try renderer.render(graphs)
        } catch let error as InputError where error.file.hasPrefix("graph ") {
            throw InputError(file: file, path: Self.rulePath(error, graphs: graphs), message: error.message)
        }
    }

    /// `graph G` + `nodes[K].attributes.NAME` (the renderer's location) as
    /// `rules.RULE.attributes.NAME` (the grammar's).
    static func rulePath(_ error: InputError, graphs: [SceneGraph]) -> String {
        guard error.file.hasPrefix("graph "), let g = Int(error.file.dropFirst(6)), g >= 0, g < graphs.count,
              error.path.hasPrefix("nodes["), let close = error.path.firstIndex(of: "]"),
              let k = Int(error.path[error.path.index(error.path.startIndex, offsetBy: 6)..<close]),
              k >= 0, k < graphs[g].nodes.count else { return error.path }
        return "rules.\(graphs[g].nodes[k].rule)" + error.path[error.path.index(after: close)...]
    }
}
