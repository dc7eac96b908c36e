import Codecs
import Diagnostics
import Foundation

/// The PNG and JPEG files of one folder, for unlabelled target images.
///
/// Files are those directly in the folder whose extension is .png/.jpg/.jpeg (any case),
/// hidden files (leading `.`, such as our writers' temporaries) excluded, sorted by name.
/// Other files and subfolders are ignored.
public struct ImageFolderReader: Sendable {
    /// The folder as given.
    public let folder: String
    /// Full paths, sorted by file name.
    public let files: [String]
    /// The setting the folder came from (for errors), for example `targets.unlabelled`.
    public let field: String

    /// Lists the folder. Throws an `InputError` when it is missing, not a folder, unreadable or
    /// holds no image file.
    public init(folder: String, field: String = "") throws {
        self.folder = folder
        self.field = field
        files = try ImageFolderReader.imageFiles(in: folder, field: field).map { folder + "/" + $0 }
        guard !files.isEmpty else {
            throw InputError(file: folder, path: field, message: "no PNG or JPEG images in folder")
        }
    }

    /// Image file names (not paths) directly in `folder`, sorted; may be empty.
    static func imageFiles(in folder: String, field: String) throws -> [String] {
        try folderEntries(folder, field: field)
            .filter { !$0.hasPrefix(".") && ImageFile.hasImageExtension($0) && !isFolder(folder + "/" + $0) }
    }

    /// Pairs image files with same-named files of another folder (segmentation masks, KITTI
    /// labels): for each of `images` (names in `imageFolder`), the path
    /// `partnerFolder/STEM.partnerExtension`, where `partners` are the names found in
    /// `partnerFolder`. InputError naming the file when an image has no partner
    /// ("missing: the NOUN of IMAGE") or a partner has no image ("a NOUN without an image in …").
    static func pairedFiles(images: [String], in imageFolder: String, partners: Set<String>, in partnerFolder: String,
                            partnerExtension: String, noun: String, field: String) throws -> [String] {
        func stem(_ name: String) -> String { (name as NSString).deletingPathExtension }
        let paired = try images.map { image in
            let partner = stem(image) + "." + partnerExtension
            guard partners.contains(partner) else {
                throw InputError(file: partnerFolder + "/" + partner, path: field, message: "missing: the \(noun) of \(imageFolder)/\(image)")
            }
            return partnerFolder + "/" + partner
        }
        let stems = Set(images.map(stem))
        if let orphan = partners.sorted().first(where: { !stems.contains(stem($0)) }) {
            throw InputError(file: partnerFolder + "/" + orphan, path: field, message: "a \(noun) without an image in \(imageFolder)")
        }
        return paired
    }

    /// Sorted entry names of `folder`; InputError when it is missing or not a folder.
    static func folderEntries(_ folder: String, field: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw InputError(file: folder, path: field, message: "folder not found")
        }
        guard isDirectory.boolValue else { throw InputError(file: folder, path: field, message: "is a file, expected a folder") }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            throw InputError(file: folder, path: field, message: "cannot list folder: \(error.localizedDescription)")
        }
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Decodes file `index` with `options`.
    public func image(at index: Int, options: ImageLoadingOptions = ImageLoadingOptions()) throws -> Image {
        try options.load(files[index], field: field)
    }

    /// Decodes every file, all the same shape: resized/converted by `options`, or else required
    /// to agree (mixed sizes or channels throw, naming the file).
    public func loadAll(options: ImageLoadingOptions = ImageLoadingOptions()) throws -> [Image] {
        try options.loadAll(files, field: field)
    }
}
