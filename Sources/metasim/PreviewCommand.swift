import ArgumentParser
import Codecs
import Datasets
import Foundation

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Draw a dataset's first images with their labels as one PNG.",
        discussion: """
        Reads DATASET in any of our formats (imagefolder, coco, jsonl, webdataset) and writes a \
        contact sheet of its first --count images, enlarged to at least 128 px: each object's \
        mask tinted and box outlined in a colour per class with the class name above it, and the \
        image's label in the corner. For checking by eye that labels sit where they should.

        Example: metasim preview digits --out digits-preview.png --count 16
        """)

    @Argument(help: ArgumentHelp("The dataset folder (written by render or generate).", valueName: "dataset")) var dataset: String
    @Option(help: "The PNG to write.") var out: String
    @Option(help: "Images to show (1 ... 64).") var count = 16

    func validate() throws {
        guard (1...ContactSheet.maximumImages).contains(count) else { throw ValidationError("--count must be 1 ... \(ContactSheet.maximumImages)") }
    }

    func run() throws {
        try PNG.write(try DatasetPreview.sheet(of: dataset, count: count), to: out)
        print("preview: \(out)")
    }
}
