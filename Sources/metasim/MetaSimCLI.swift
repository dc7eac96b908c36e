import ArgumentParser
import Diagnostics
import Foundation

/// The `metasim` command. Subcommands live one per file; this file only lists them and maps
/// errors to exit codes: input problems (`InputError`, `InputErrors`, bad flags) exit 2 with
/// `error: FILE: PATH: message` lines on stderr; standard output that cannot be written and
/// anything else exit 1.
/// The version `metasim --version` prints.
let metasimVersion = "0.9.0"

@main
struct MetaSimCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metasim",
        abstract: "Learn to generate synthetic labelled image datasets matched to a target domain (Meta-Sim).",
        discussion: "Example: metasim demo --out demo-run && metasim report demo-run",
        version: "metasim \(metasimVersion)",
        subcommands: [
            ValidateCommand.self,
            SampleCommand.self,
            EncodeCommand.self,
            RenderCommand.self,
            TrainCommand.self,
            ReportCommand.self,
            GenerateCommand.self,
            VerifyCommand.self,
            MergeCommand.self,
            PreviewCommand.self,
            EvaluateCommand.self,
            DemoCommand.self,
            BenchCommand.self,
            SensitivityCommand.self,
        ])

    static func main() {
        BLASKernelRestart.restartIfNeeded()
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
                printError(unifiedPrefix(fullMessage(for: error)))
                Foundation.exit(2)
            }
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version: ArgumentParser's text, unchanged, on standard output.
                exit(withError: error)
            }
            printError(unifiedPrefix(fullMessage(for: error)))
            Foundation.exit(code.rawValue)
        }
    }

    /// ArgumentParser's `Error: ` replaced by the `error: ` every other message starts with.
    static func unifiedPrefix(_ message: String) -> String {
        message.hasPrefix("Error: ") ? "error: " + message.dropFirst(7) : message
    }

    /// One message and a newline on standard error (which may itself fail: then nothing).
    static func printError(_ message: String) {
        fputs(message + "\n", stderr)
    }
}
