import Assets
import Diagnostics
import Grammar
import Render
import Render3D

extension Grammar {
    /// The built-in renderer the grammar asks for: `renderer: 3d` → `Render3D.Renderer3D` for
    /// this grammar's canvas and classes, otherwise `makeCompositor(assets:)`. A canvas the
    /// renderer cannot draw throws `InputError` at this grammar's file, `canvas.FIELD`.
    public func makeRenderer(assets: AssetRegistry) throws -> any Renderer {
        guard settings["renderer"] == .string("3d") else { return try makeCompositor(assets: assets) }
        do {
            return try Renderer3D(canvas: canvas, classes: schema.classes)
        } catch let error as InputError where error.file == "canvas" {
            throw InputError(file: file, path: "canvas." + error.path, message: error.message)
        }
    }

    /// The built-in 2D compositor for this grammar's canvas, every class it can produce, and the
    /// asset stores it declares (loaded now, so missing files fail here, not mid-run). A canvas
    /// the compositor cannot draw throws `InputError` at this grammar's file, `canvas.FIELD`.
    public func makeCompositor(assets: AssetRegistry) throws -> CompositorRenderer {
        let stores = try assets.names.map { try assets.store(named: $0) }
        do {
            return try CompositorRenderer(canvas: canvas, classes: schema.classes, assets: stores)
        } catch let error as InputError where error.file == "canvas" {
            throw InputError(file: file, path: "canvas." + error.path, message: error.message)
        }
    }
}
