import ArgumentParser
import Diagnostics
import Foundation

/// The `metasim` command. Subcommands live one per file; this file only lists them and maps
/// errors to exit codes: input problems (`InputError`, `InputErrors`, bad flags) exit 2 with
/// `error: FILE: PATH: message` lines on stderr; standard output that cannot be written and
/// anything else exit 1.
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
            ReportCommand.self,
            GenerateCommand.self,
            VerifyCommand.self,
            EvaluateCommand.self,
            DemoCommand.self,
            BenchCommand.self,
        ])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
            try StandardOutput.flush()
        } catch let error as InputError {
            printError(error.description)
            Foundation.exit(2)
        } catch let error as InputErrors {
            printError(error.description)
            Foundation.exit(2)
        } catch let error as StandardOutputError {
            printError(error.description)
            Foundation.exit(1)
        } catch {
            // Bad flags and failed validations are input problems too: exit 2, not 64.
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// One message and a newline on standard error (which may itself fail: then nothing).
    static func printError(_ message: String) {
        fputs(message + "\n", stderr)
    }
}
