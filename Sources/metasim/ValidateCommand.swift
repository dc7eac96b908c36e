import ArgumentParser
import Grammar
import MetaSim

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scene grammar and print a one-line summary.",
        discussion: """
        Reads GRAMMAR (MetaSim YAML/JSON or the original Meta-Sim JSON tree) and checks every \
        field. On success prints one line (node rules, classes, encoded and mutable attributes) \
        and exits 0. Otherwise prints every problem as `error: FILE[:LINE]: PATH: message` \
        (PATH like root.child[1].attributes.yaw) and exits 2. A couple of samples are also \
        rendered with the built-in compositor, so values only the renderer reads (shapes, \
        colours, points, the canvas) are checked too.

        Example: metasim validate --grammar examples/grammars/mnist.yaml
        """)

    @Option(help: "The grammar file (also accepted as the only argument).")
    var grammar: String?

    @Argument(help: ArgumentHelp("The grammar file, as --grammar (kept for older scripts).", valueName: "grammar-file"))
    var positional: String?

    func validate() throws {
        if grammar != nil && positional != nil { throw ValidationError("give the grammar once: --grammar FILE or FILE") }
        if grammar == nil && positional == nil { throw ValidationError("missing the grammar: --grammar FILE") }
    }

    func run() throws {
        let g = try Grammar.load(path: grammar ?? positional!)
        try g.checkRenderable()
        print(g.summary)
    }
}
