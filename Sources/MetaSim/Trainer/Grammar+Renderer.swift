import Assets
import Grammar
import Render

extension Grammar {
    /// The built-in compositor for this grammar's canvas, every class it can produce, and the
    /// asset stores it declares (loaded now, so missing files fail here, not mid-run).
    public func makeRenderer(assets: AssetRegistry) throws -> CompositorRenderer {
        try CompositorRenderer(canvas: canvas, classes: schema.classes,
                               assets: try assets.names.map { try assets.store(named: $0) })
    }
}
