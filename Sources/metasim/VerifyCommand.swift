import ArgumentParser
import Datasets

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a dataset folder against its manifest (files, SHA-256, sample count).",
        discussion: """
        Reads DIR/metasim-dataset.json, written last by `render` and `generate`, and checks that \
        DIR holds exactly the files it lists with the SHA-256 it lists (no missing, changed or \
        extra files, no links or FIFOs) and that the format's own count of samples (PNGs, JSON \
        Lines, COCO image entries, WebDataset members) equals the manifest's count. Prints one \
        line and exits 0 when all holds; otherwise prints every problem as \
        `error: FILE: PATH: message` and exits 2.

        Example: metasim verify learned
        """)

    @Argument(help: "The dataset folder.")
    var directory: String

    func run() throws {
        let report = try DatasetVerifier.verify(directory: directory)
        print("ok: \(directory): \(report.manifest.format.rawValue), \(report.manifest.count) samples, "
              + "\(report.filesChecked) files match their SHA-256")
    }
}
