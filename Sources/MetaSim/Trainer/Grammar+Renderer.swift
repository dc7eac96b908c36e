import Assets
import Diagnostics
import Grammar
import Render
import Render3D

extension Grammar {
    /// The built-in renderer the grammar asks for (`renderer: 3d` → `Render3D.Renderer3D`, else
    /// the 2D compositor) for this grammar's canvas and every class it can produce; the compositor
    /// also gets the asset stores the grammar declares (loaded now, so missing files fail here, not
    /// mid-run). A canvas the renderer cannot draw throws `InputError` at this grammar's file,
    /// `canvas.FIELD`.
    public func makeRenderer(assets: AssetRegistry) throws -> any Renderer {
        do {
            if settings["renderer"] == .string("3d") { return try Renderer3D(canvas: canvas, classes: schema.classes) }
            let stores = try assets.names.map { try assets.store(named: $0) }
            return try CompositorRenderer(canvas: canvas, classes: schema.classes, assets: stores)
        } catch let error as InputError where error.file == "canvas" {
            throw InputError(file: file, path: "canvas." + error.path, message: error.message)
        }
    }
}
