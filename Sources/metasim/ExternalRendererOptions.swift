import ArgumentParser
import Grammar
import MetaSim
import Render

/// The options `render` and `generate` share to draw with an external engine over the bridge
/// (Sources/Render/BRIDGE.md) instead of the grammar's built-in renderer: the `renderer:`
/// section of an experiment file, and how many copies of the program run at once.
struct ExternalRendererOptions: ParsableArguments {
    @Option(name: .customLong("renderer"),
            help: ArgumentHelp("An experiment file whose `renderer:` section (command, timeout, fd_step, workers) draws the images instead of the grammar's built-in renderer.",
                               valueName: "experiment"))
    var experimentFile: String?
    @Option(help: "External renderer processes at once (overrides renderer.workers; needs --renderer).") var workers: Int?

    func validate() throws {
        if workers != nil, experimentFile == nil { throw ValidationError("--workers needs --renderer EXPERIMENT") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    /// The external renderer for `grammar`'s canvas and classes when one is named, else nil
    /// (use the grammar's built-in renderer). Throws the settings' `InputErrors`.
    func renderer(for grammar: Grammar) throws -> (any Renderer)? {
        guard let experimentFile else { return nil }
        let settings = try ExternalRendererSettings.load(experimentFile: experimentFile, workers: workers)
        return try settings.makeRenderer(canvas: grammar.canvas, classes: grammar.schema.classes)
    }
}
