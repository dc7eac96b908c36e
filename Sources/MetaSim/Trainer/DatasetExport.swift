import Codecs
import Datasets
import Scene

extension Generator {
    /// Generates `count` samples (seed, indices `start…`) and streams them into a dataset of
    /// `format` in `directory`, in constant memory; `grid` (when given) receives a contact sheet
    /// of the first 64 images. Labels (ImageFolder) are each image's one visible class. The
    /// dataset's manifest is written last, so a folder without it is an interrupted run.
    /// Returns the number of samples written.
    @discardableResult
    public func writeDataset(count: Int, seed: UInt64, start: Int = 0, learned: Bool, directory: String,
                             format: DatasetFormat, grid: String? = nil, quiet: Bool) throws -> Int {
        let writer = try format.makeWriter(directory: directory, classes: renderer.classes)
        let progress = ProgressBar("writing \(format.rawValue) dataset", total: count, quiet: quiet)
        var firstImages: [Image] = []
        try forEachBatch(count: count, seed: seed, start: start, learned: learned) { batch in
            for sample in batch {
                try writer.append(sample.rendered, graph: sample.graph, label: nil)
                if firstImages.count < ContactSheet.maximumImages { firstImages.append(sample.rendered.image) }
            }
            progress.advance(by: batch.count)
        }
        try writer.finish()
        if let grid, !firstImages.isEmpty { try ContactSheet.write(firstImages, to: grid) }
        progress.finish(status: directory)
        return writer.count
    }
}
