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
