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
    ///
    /// With `resume`, the staging folder an interrupted run into the same `directory` left is
    /// continued (`DatasetOutputFolder`, `DatasetFormat.resumeWriter`) when it was started with
    /// the same settings (`resumeSettings`; else an `InputError` names what differs): its
    /// complete leading samples are kept and the others rendered from the same (seed, index)
    /// in the same batches, so the result has the bytes of an uninterrupted run. Without such
    /// a folder it starts anew. `resume` with `overwrite` is refused.
    @discardableResult
    public func writeDataset(count: Int, seed: UInt64, start: Int = 0, learned: Bool, directory: String,
                             format: DatasetFormat, grid: String? = nil, overwrite: Bool = false, resume: Bool = false, quiet: Bool,
                             provenance: DatasetProvenance? = nil, shard: DatasetShard? = nil) throws -> Int {
        if let grid {
            try AtomicFile.checkDestination(grid, option: "--grid")
            AtomicFile.removeAbandonedTemporaries(of: grid)
        }
        let settings = Generator.resumeSettings(count: count, seed: seed, start: start, learned: learned, format: format,
                                                provenance: provenance, shard: shard)
        let output = try DatasetOutputFolder(destination: directory, overwrite: overwrite, settings: settings, resume: resume)
        if let grid, output.contains(grid) {
            throw InputError(file: grid, message: "the contact sheet must be outside the output folder \(directory)")
        }
        return try output.write { staging in
            let objectClasses = grammar.objectClasses
            let classes = objectClasses.isEmpty ? renderer.classes : objectClasses
            let origin = DatasetOrigin(firstIndex: start, provenance: provenance, shard: shard)
            let writer = output.resumed
                ? try format.resumeWriter(directory: staging, classes: classes, origin: origin)
                : try format.makeWriter(directory: staging, classes: classes, origin: origin,
                                        cameraProjection: (renderer as? Renderer3D).map { r in { try r.camera(for: $0).levelProjection } })
            let kept = writer.count
            guard kept <= count else {
                throw InputError(file: directory, message: "--resume: the interrupted run holds \(kept) samples, more than the \(count) to write")
            }
            let progress = ProgressBar("writing \(format.rawValue) dataset", total: count, quiet: quiet)
            progress.advance(by: kept)
            let batchSize = Generator.exportBatchSize(for: renderer.canvas)
            var firstImages: [Image] = []
            if grid != nil, kept > 0 {       // the kept samples' thumbnails, rendered again
                try forEachBatch(count: count, seed: seed, start: start, learned: learned, batchSize: batchSize,
                                 only: 0..<min(kept, ContactSheet.maximumImages)) { batch in
                    firstImages += batch.map { ContactSheet.thumbnail($0.rendered.image) }
                }
            }
            try forEachBatch(count: count, seed: seed, start: start, learned: learned, batchSize: batchSize,
                             only: kept..<count) { batch in
                try writer.append(contentsOf: batch.map { DatasetSample(rendered: $0.rendered, graph: $0.graph, label: nil) })
                if grid != nil {
                    for sample in batch.prefix(max(0, ContactSheet.maximumImages - firstImages.count)) {
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

    /// What determines a dataset's bytes, recorded beside its staging folder so that
    /// `--resume` continues only the same run: the generator and input digests (from
    /// `provenance`, else whether the transformer is `learned`), seed, count, first index,
    /// format and shard. Keys are named as the options that set them.
    static func resumeSettings(count: Int, seed: UInt64, start: Int, learned: Bool, format: DatasetFormat,
                               provenance: DatasetProvenance?, shard: DatasetShard?) -> [String: String] {
        var settings = ["command": provenance?.generator ?? (learned ? "learned" : "prior"), "--seed": String(seed),
                        "--count": String(shard?.total ?? count), "first sample": String(start), "--format": format.rawValue,
                        "--shard": shard.map { "\($0.index) of \($0.count)" } ?? "none"]
        for (name, digest) in provenance?.inputs ?? [:] { settings[name + " (SHA-256)"] = digest }
        return settings
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
