import Codecs
import Foundation
import Diagnostics
import Render
import Scene

/// The KITTI object-detection layout (devkit_object): per sample, by global index,
/// `DIR/image_2/NNNNNN.png`, `DIR/label_2/NNNNNN.txt` (one `KITTIObjectLabel` line per visible
/// object of a KITTI type; other classes are left out) and, when the renderer has a camera,
/// `DIR/calib/NNNNNN.txt` (`KITTICalibration`); plus `classes.json` and the manifest (written
/// last; its `classes` are the KITTI types written).
///
/// `cameraProjection` gives an image's 3 × 4 projection from its label frame (the 3D
/// renderer's `Camera3D.levelProjection`); without it (the 2D compositor) there is no `calib/`
/// and the labels' 3D fields hold the devkit's unknown values.
public final class KITTIWriter: DatasetWriter {
    /// Folder names inside the dataset.
    public static let imageFolder = "image_2", labelFolder = "label_2", calibrationFolder = "calib"

    /// The dataset's root folder.
    public let directory: String
    /// Images appended so far.
    public private(set) var count = 0
    private var types: Set<String> = []
    private var finished = false
    private var written = WrittenFiles()
    private let origin: DatasetOrigin
    private let cameraProjection: ((SceneGraph) throws -> [[Double]])?
    /// The dataset's class map (`classes.json`).
    public let classMap: ClassMap

    /// Creates `directory/image_2`, `label_2` (and `calib` with a camera), removes an old
    /// manifest; `classes` starts the class map. Throws `InputError` when a folder cannot be made.
    public init(directory: String, classes: [String] = [], origin: DatasetOrigin = DatasetOrigin(),
                cameraProjection: ((SceneGraph) throws -> [[Double]])? = nil) throws {
        self.directory = directory
        self.origin = origin
        self.cameraProjection = cameraProjection
        classMap = ClassMap(classes)
        try DatasetFiles.prepareRoot(directory, subfolder: KITTIWriter.imageFolder)
        try DatasetFiles.makeFolder(directory + "/" + KITTIWriter.labelFolder)
        if cameraProjection != nil { try DatasetFiles.makeFolder(directory + "/" + KITTIWriter.calibrationFolder) }
    }

    /// Writes the PNG, the label file and (with a camera) the calibration file of one sample
    /// (`label` is not used). Throws `InputError` after `finish()`, when the camera cannot be
    /// read from `graph`, or when a file cannot be written.
    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        try append(contentsOf: [DatasetSample(rendered: rendered, graph: graph, label: label)])
    }

    /// `append` for each sample in order, the PNGs and label lines made in parallel (see `DatasetWriter`).
    public func append(contentsOf samples: [DatasetSample]) throws {
        guard !finished else { throw InputError(file: directory, message: "append after finish") }
        try OrderedAppend.run(samples, firstIndex: origin.firstIndex + count, prepare: prepare, commit: commit)
    }

    /// A sample's files, relative to the dataset folder.
    private func imagePath(_ index: Int) -> String { DatasetFiles.imageName(index, in: KITTIWriter.imageFolder + "/") }
    private func labelPath(_ index: Int) -> String { KITTIWriter.labelFolder + "/" + DatasetFiles.padded(index) + ".txt" }
    private func calibrationPath(_ index: Int) -> String { KITTIWriter.calibrationFolder + "/" + DatasetFiles.padded(index) + ".txt" }

    /// What `commit` needs of one sample.
    private struct Prepared {
        var index: Int
        var png: Data
        var pngSHA256: String
        var labelText: Data
        var labelSHA256: String
        /// The calibration file's bytes and digest; nil without a camera.
        var calibration: (text: Data, sha256: String)?
        var types: [String]
        var classes: [String]
    }

    private func prepare(_ sample: DatasetSample, index: Int) throws -> Prepared {
        let truth = sample.rendered.groundTruth
        let labels = truth.objects.compactMap { KITTIObjectLabel(object: $0, width: truth.width, height: truth.height) }
        let png = try PNG.encode(sample.rendered.image, file: directory + "/" + imagePath(index))
        let labelText = Data(labels.map { $0.line + "\n" }.joined().utf8)
        let calibration = try cameraProjection.map { projection -> (text: Data, sha256: String) in
            let text = Data(KITTICalibration(projection: try projection(sample.graph)).text.utf8)
            return (text, DatasetChecksums.sha256(of: text))
        }
        return Prepared(index: index, png: png, pngSHA256: DatasetChecksums.sha256(of: png),
                        labelText: labelText, labelSHA256: DatasetChecksums.sha256(of: labelText), calibration: calibration,
                        types: labels.map(\.type), classes: truth.objects.map(\.className))
    }

    /// Writes `bytes` to the dataset's file `relative` (in place: see `InPlaceFile`; KITTI
    /// datasets are not resumed, and `DatasetOutputFolder` stages them) and records their digest.
    private func write(_ bytes: Data, to relative: String, sha256: String) throws {
        try InPlaceFile.write(bytes, to: directory + "/" + relative)
        written.record(relative, digest: sha256)
    }

    private func commit(_ sample: Prepared) throws {
        for name in sample.classes { _ = classMap.index(of: name) }
        try write(sample.png, to: imagePath(sample.index), sha256: sample.pngSHA256)
        try write(sample.labelText, to: labelPath(sample.index), sha256: sample.labelSHA256)
        if let calibration = sample.calibration {
            try write(calibration.text, to: calibrationPath(sample.index), sha256: calibration.sha256)
        }
        types.formUnion(sample.types)
        count += 1
    }

    /// Writes the class map and the manifest; a second call does nothing.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        try classMap.write(to: directory)
        try DatasetManifest(format: .kitti, count: count, classes: types.sorted(), files: [], origin: origin)
            .write(to: directory, written: written)
    }
}
