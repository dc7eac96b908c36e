import Diagnostics
import Foundation

/// Image files by content or name: the one entry point readers use.
public enum ImageFile {
    /// File name extensions (lower case) the readers accept.
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// True when `path`'s extension (case-insensitive) is one of `extensions`.
    public static func hasImageExtension(_ path: String) -> Bool {
        extensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
    }

    /// Decodes PNG or JPEG chosen by the data's first bytes (not by the name, which may lie).
    public static func decode(_ data: Data, file: String) throws -> Image {
        if data.starts(with: PNG.signature) { return try PNG.decode(data, file: file) }
        if data.starts(with: [0xFF, 0xD8]) { return try JPEG.decode(data, file: file) }
        throw InputError(file: file, message: data.isEmpty ? "empty file, expected a PNG or JPEG image"
                                                           : "not a PNG or JPEG file")
    }

    /// Reads and decodes the PNG or JPEG file at `path`.
    public static func read(_ path: String) throws -> Image {
        try decode(try readFile(path), file: path)
    }

    /// Writes `image` atomically as JPEG when `path` ends in .jpg/.jpeg, else as PNG.
    public static func write(_ image: Image, to path: String) throws {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "jpg", "jpeg": try JPEG.write(image, to: path)
        default: try PNG.write(image, to: path)
        }
    }
}
