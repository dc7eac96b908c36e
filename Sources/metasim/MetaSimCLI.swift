import ArgumentParser
import Diagnostics
import Foundation

/// The `metasim` command. Subcommands live one per file; this file only lists them and maps
/// errors to exit codes: input problems (`InputError`, `InputErrors`, bad flags) exit 2 with
/// `error: FILE: PATH: message` lines on stderr; anything else exits 1.
@main
struct MetaSimCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metasim",
        abstract: "Learn to generate synthetic labelled image datasets matched to a target domain (Meta-Sim).",
        subcommands: [
            ValidateCommand.self,
            SampleCommand.self,
            EncodeCommand.self,
            RenderCommand.self,
            TrainCommand.self,
            GenerateCommand.self,
            EvaluateCommand.self,
            DemoCommand.self,
            BenchCommand.self,
        ])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as InputError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(2)
        } catch let error as InputErrors {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(2)
        } catch {
            // Bad flags and failed validations are input problems too: exit 2, not 64.
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
