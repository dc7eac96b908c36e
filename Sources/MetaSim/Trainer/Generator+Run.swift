import Diagnostics
import Grammar

extension Generator {
    /// The learned generator of a training run: its latest checkpoint and the grammar it was
    /// trained on (or `grammarOverride`). Throws `InputError` when the run has no checkpoint or
    /// the grammar encodes differently from the one the checkpoint was trained on.
    public init(run: RunFolder, grammarOverride: String? = nil) throws {
        let (state, transformer) = try CheckpointState.load(from: run.latest)
        let grammarPath = grammarOverride ?? state.grammar
        let grammar = try Grammar.load(path: grammarPath)
        guard grammar.schema == state.schema else {
            throw InputError(file: grammarPath, message: "this grammar encodes scenes differently from the one the checkpoint in \(run.path) was trained on (\(state.grammar)): classes or encoded attributes differ")
        }
        let assets = grammar.assetRegistry()
        self.init(grammar: grammar, assets: assets, transformer: transformer, renderer: try grammar.makeRenderer(assets: assets))
    }
}
