import Codecs
import Datasets
import Diagnostics
import Render3D
import Scene

extension Generator {
    /// Generates `count` samples (seed, indices `start…`) and streams them into a dataset of
    /// `format` in `directory`, in constant memory; `grid` (when given) receives a contact sheet
    /// of the first 64 images (shrunk to at most 256 px a side: `ContactSheet.thumbnail`). Labels (ImageFolder) are each image's one visible class.
    ///
    /// Output folders never hold a partial or mixed dataset (`DatasetOutputFolder`): the
    /// dataset is written beside `directory` and renamed into place when complete, manifest
    /// last; a non-empty `directory` is refused (`InputError`) unless `overwrite` is set and it
    /// holds a dataset, which is then replaced only once the new one is complete. `grid`'s
    /// folder is checked before anything is rendered. Returns the number of samples written.
    ///
    /// Files and ids are named by global sample index (`start` + position), so the datasets of
    /// disjoint ranges join into the dataset of their union (`DatasetMerger`). `provenance` and
    /// `shard` (when given) are recorded in the manifest; `count` may be 0 only for a shard
    /// (an empty one: more shards than samples).
    @discardableResult
    public func writeDataset(count: Int, seed: UInt64, start: Int = 0, learned: Bool, directory: String,
                             format: DatasetFormat, grid: String? = nil, overwrite: Bool = false, quiet: Bool,
                             provenance: DatasetProvenance? = nil, shard: DatasetShard? = nil) throws -> Int {
        if let grid {
            try AtomicFile.checkDestination(grid, option: "--grid")
            AtomicFile.removeAbandonedTemporaries(of: grid)
        }
        let output = try DatasetOutputFolder(destination: directory, overwrite: overwrite)
        if let grid, output.contains(grid) {
            throw InputError(file: grid, message: "the contact sheet must be outside the output folder \(directory)")
        }
        return try output.write { staging in
            let objectClasses = grammar.objectClasses
            let writer = try format.makeWriter(directory: staging, classes: objectClasses.isEmpty ? renderer.classes : objectClasses,
                                               origin: DatasetOrigin(firstIndex: start, provenance: provenance, shard: shard),
                                               cameraProjection: (renderer as? Renderer3D).map { r in { try r.camera(for: $0).levelProjection } })
            let progress = ProgressBar("writing \(format.rawValue) dataset", total: count, quiet: quiet)
            var firstImages: [Image] = []
            try forEachBatch(count: count, seed: seed, start: start, learned: learned,
                             batchSize: Generator.exportBatchSize(for: renderer.canvas)) { batch in
                for sample in batch {
                    try writer.append(sample.rendered, graph: sample.graph, label: nil)
                    if grid != nil, firstImages.count < ContactSheet.maximumImages {
                        firstImages.append(ContactSheet.thumbnail(sample.rendered.image))
                    }
                }
                progress.advance(by: batch.count)
            }
            try writer.finish()
            if let grid, !firstImages.isEmpty { try ContactSheet.write(firstImages, to: grid) }
            progress.finish(status: directory)
            return writer.count
        }
    }

    /// Samples rendered at once when writing a dataset: 256, fewer for large canvases so that a
    /// batch's images and masks (32-bit floats per sample, 32 bits of masks per pixel) stay
    /// within about 512 MiB — one 8192 × 8192 RGB image alone takes 1 GiB, so it goes alone.
    static func exportBatchSize(for canvas: Canvas) -> Int {
        let pixels = max(1, canvas.width) * max(1, canvas.height)
        let bytesPerImage = pixels * (4 * max(1, canvas.channels) + 4)
        return max(1, min(256, (512 << 20) / bytesPerImage))
    }
}
