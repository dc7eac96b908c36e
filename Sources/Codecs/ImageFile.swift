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
    /// With `atLeast`, a larger image is downsampled while decoding, to a size still covering
    /// it (JPEG: DCT scaling; PNG: area-averaged row by row to exactly `atLeast`), which lets
    /// images past `DecodingLimits.maximumPixels` be read in bounded memory: see
    /// `JPEG.decode(_:file:atLeast:)` and `PNG.decode(_:file:atLeast:)`.
    public static func decode(_ data: Data, file: String, atLeast: PixelSize? = nil) throws -> Image {
        if data.starts(with: PNG.signature) { return try PNG.decode(data, file: file, atLeast: atLeast) }
        if data.starts(with: [0xFF, 0xD8]) { return try JPEG.decode(data, file: file, atLeast: atLeast) }
        throw InputError(file: file, message: data.isEmpty ? "empty file, expected a PNG or JPEG image"
                                                           : "not a PNG or JPEG file")
    }

    /// Reads and decodes the PNG or JPEG file at `path` (`atLeast` as for `decode`).
    public static func read(_ path: String, atLeast: PixelSize? = nil) throws -> Image {
        try decode(try readFile(path), file: path, atLeast: atLeast)
    }

    /// Writes `image` atomically as JPEG when `path` ends in .jpg/.jpeg, else as PNG.
    public static func write(_ image: Image, to path: String) throws {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "jpg", "jpeg": try JPEG.write(image, to: path)
        default: try PNG.write(image, to: path)
        }
    }
}
