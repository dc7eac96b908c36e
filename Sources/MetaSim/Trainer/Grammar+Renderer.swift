import Assets
import Diagnostics
import Grammar
import Render

extension Grammar {
    /// The built-in compositor for this grammar's canvas, every class it can produce, and the
    /// asset stores it declares (loaded now, so missing files fail here, not mid-run). A canvas
    /// the compositor cannot draw throws `InputError` at this grammar's file, `canvas.FIELD`.
    public func makeRenderer(assets: AssetRegistry) throws -> CompositorRenderer {
        let stores = try assets.names.map { try assets.store(named: $0) }
        do {
            return try CompositorRenderer(canvas: canvas, classes: schema.classes, assets: stores)
        } catch let error as InputError where error.file == "canvas" {
            throw InputError(file: file, path: "canvas." + error.path, message: error.message)
        }
    }
}
