import Codecs
import Diagnostics

/// A labelled folder in torchvision's ImageFolder layout: `ROOT/CLASS/image.png`. Classes are
/// the subfolder names sorted (hidden ones skipped), class index = position in that list;
/// samples are ordered class by class, files sorted within each, as torchvision does.
public struct LabelledImageFolderReader: Sendable {
    /// One image file and its class index.
    public struct Sample: Equatable, Sendable {
        /// Full path of the image file.
        public var path: String
        /// Position of its class folder in `classes`.
        public var classIndex: Int
    }

    /// The root folder as given.
    public let folder: String
    /// Class subfolder names, sorted.
    public let classes: [String]
    /// Every image, class by class, file names sorted within a class.
    public let samples: [Sample]
    /// The setting the folder came from, used as the field path in errors.
    public let field: String

    /// Lists the layout. Throws an `InputError` when the folder is missing, has no class
    /// subfolder, or a class subfolder holds no PNG/JPEG image (naming that subfolder).
    public init(folder: String, field: String = "") throws {
        self.folder = folder
        self.field = field
        let names = try ImageFolderReader.folderEntries(folder, field: field)
            .filter { !$0.hasPrefix(".") && ImageFolderReader.isFolder(folder + "/" + $0) }
        guard !names.isEmpty else {
            throw InputError(file: folder, path: field, message: "no class subfolders (expected ROOT/CLASS/image.png)")
        }
        var samples: [Sample] = []
        for (index, name) in names.enumerated() {
            let classFolder = folder + "/" + name
            let files = try ImageFolderReader.imageFiles(in: classFolder, field: field)
            guard !files.isEmpty else {
                throw InputError(file: classFolder, path: field, message: "class folder '\(name)' holds no PNG or JPEG images")
            }
            samples += files.map { Sample(path: classFolder + "/" + $0, classIndex: index) }
        }
        classes = names
        self.samples = samples
    }

    /// Decodes every sample (same rules as `ImageFolderReader.loadAll`); labels are class indices.
    public func loadAll(options: ImageLoadingOptions = ImageLoadingOptions()) throws -> (images: [Image], labels: [Int]) {
        let images = try options.loadAll(samples.map(\.path), field: field)
        return (images, samples.map(\.classIndex))
    }
}
