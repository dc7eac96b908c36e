import Codecs
import Diagnostics
import Foundation
import Render
import Scene

/// torchvision's ImageFolder layout: `DIR/LABEL/NNNNNN.png`, one folder per image-level label
/// (`DatasetLabel.resolve`), files numbered by global sample index (`origin.firstIndex` + append
/// order) across the whole dataset.
/// Loads with `torchvision.datasets.ImageFolder(DIR)`; classes are the folder names in sorted
/// order there. Writes `metasim-dataset.json` last (ignored by torchvision: it is a file).
public final class ImageFolderWriter: DatasetWriter {
    /// The dataset's root folder.
    public let directory: String
    /// Images appended so far (also the number of the next file).
    public private(set) var count = 0
    private var labels: Set<String> = []
    private var finished = false
    private var written = WrittenFiles()
    private let origin: DatasetOrigin
    /// The dataset's class map (`classes.json`, beside the label folders).
    public let classMap: ClassMap

    /// Creates `directory` (and parents) and removes an old manifest there; `classes` starts the
    /// class map (see `ClassMap`); `origin` places the samples in a sharded dataset. Throws
    /// `InputError` when the folder exists as a file or cannot be made.
    public init(directory: String, classes: [String] = [], origin: DatasetOrigin = DatasetOrigin()) throws {
        self.directory = directory
        self.origin = origin
        classMap = ClassMap(classes)
        try DatasetFiles.prepareRoot(directory)
    }

    /// Continues the dataset an interrupted writer (same `classes` and `origin`) left in
    /// `directory`: keeps the images numbered from `origin.firstIndex` up to the first one
    /// missing or damaged (in whichever label folder), removes later images, temporaries,
    /// label folders left empty and the manifest, and rebuilds the class map from the kept
    /// labels in order, so that appending the remaining samples gives the bytes of an
    /// uninterrupted run. `count` is the number of samples kept. Throws `InputError` when the
    /// folder cannot be listed or made.
    public convenience init(resuming directory: String, classes: [String] = [], origin: DatasetOrigin = DatasetOrigin()) throws {
        try self.init(directory: directory, classes: classes, origin: origin)
        StagedFiles.removeTemporaries(in: directory)
        var folderOf: [Int: String] = [:]
        let folders = try OutputPaths.entries(of: directory).filter {
            !$0.hasPrefix(".") && OutputPaths.kind(directory + "/" + $0) == .folder
        }
        for folder in folders {
            StagedFiles.removeTemporaries(in: directory + "/" + folder)
            for name in try OutputPaths.entries(of: directory + "/" + folder) where name.hasSuffix(".png") {
                if let n = Int(name.dropLast(4)), DatasetFiles.imageName(n) == name { folderOf[n] = folder }
            }
        }
        while let folder = folderOf[origin.firstIndex + count],
              StagedFiles.isCompletePNG(DatasetFiles.imageName(origin.firstIndex + count, in: directory + "/" + folder + "/")) {
            labels.insert(folder)
            _ = classMap.index(of: folder)
            count += 1
        }
        for folder in folders {
            StagedFiles.removeImages(in: directory + "/" + folder, from: origin.firstIndex + count)
            if !labels.contains(folder) { try? FileManager.default.removeItem(atPath: directory + "/" + folder) }
        }
    }

    /// Writes the image as a PNG into the folder of its label (`DatasetLabel.resolve`). Throws
    /// `InputError` after `finish()`, for a missing/ambiguous or unusable label, or a failed write.
    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        try append(contentsOf: [DatasetSample(rendered: rendered, graph: graph, label: label)])
    }

    /// `append` for each sample in order, the PNGs encoded in parallel (see `DatasetWriter`).
    public func append(contentsOf samples: [DatasetSample]) throws {
        guard !finished else { throw InputError(file: directory, message: "append after finish") }
        try OrderedAppend.run(samples, firstIndex: origin.firstIndex + count, prepare: prepare, commit: commit)
    }

    /// The sample's label, image path (relative to the dataset folder), PNG bytes and their SHA-256.
    private func prepare(_ sample: DatasetSample, index: Int) throws -> (label: String, file: String, png: Data, sha256: String) {
        let name = try DatasetLabel.resolve(sample.label, groundTruth: sample.rendered.groundTruth, sample: index, directory: directory)
        let file = DatasetFiles.imageName(index, in: name + "/")
        let png = try PNG.encode(sample.rendered.image, file: directory + "/" + file)
        return (name, file, png, DatasetChecksums.sha256(of: png))
    }

    private func commit(_ sample: (label: String, file: String, png: Data, sha256: String)) throws {
        if labels.insert(sample.label).inserted { try DatasetFiles.makeFolder(directory + "/" + sample.label) }
        _ = classMap.index(of: sample.label)
        try InPlaceFile.write(sample.png, to: directory + "/" + sample.file)
        written.record(sample.file, digest: sample.sha256)
        count += 1
    }

    /// Writes the manifest (classes = label folders, sorted); a second call does nothing.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        try classMap.write(to: directory)
        try DatasetManifest(format: .imagefolder, count: count, classes: labels.sorted(), files: [], origin: origin)
            .write(to: directory, written: written)
    }
}
