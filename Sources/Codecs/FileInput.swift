import Diagnostics
import Foundation

/// Bounds on what decoding an input may allocate, checked before allocating.
public enum DecodingLimits {
    /// The most pixels (width × height) an image file may declare: 2^26 (8192 × 8192). Above
    /// it, decoding would take over 1 GiB (bytes plus 32-bit floats per channel) and is
    /// refused from the header alone — a small file can declare gigapixels.
    public static let maximumPixels = 1 << 26
    /// The most pixels an image file may declare when it is downsampled while decoding (a size
    /// to cover is given: `ImageFile.decode(_:file:atLeast:)`): 2^30, bounding the decoding
    /// work a header can ask for (the pixels held stay within `maximumPixels`).
    public static let maximumDownsampledPixels = 1 << 30
    /// The widest image row decoded row by row (PNG downsampling): 2^20 pixels.
    public static let maximumRowWidth = 1 << 20
    /// The largest file `readFile` reads into memory: 1 GiB.
    public static let maximumFileBytes = 1 << 30

    /// Throws `tooLarge` when `width × height` exceeds `maximumPixels`.
    static func checkPixels(width: Int, height: Int, file: String, format: String) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > maximumPixels { throw tooLarge(width: width, height: height, file: file, format: format) }
    }

    static func tooLarge(width: Int, height: Int, file: String, format: String, downsampled: Bool = false) -> InputError {
        if downsampled {
            return InputError(file: file, message: "image too large: \(format) of \(width)x\(height) pixels, more than the "
                              + "\(maximumDownsampledPixels) pixels (or rows of \(maximumRowWidth)) decoded while downsampling; scale it down first")
        }
        return InputError(file: file, message: "image too large: \(format) of \(width)x\(height) pixels, "
                          + "more than the limit of \(maximumPixels) pixels (8192x8192); scale it down first")
    }
}

/// The size in bytes of the regular file at `path`. Throws an `InputError` naming `path` when
/// it is missing, a folder, or not a regular file (a FIFO or device: reading could block or
/// never end) — checked without opening it.
public func regularFileSize(_ path: String) throws -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else {
        if errno == ENOENT || errno == ENOTDIR { throw InputError(file: path, message: "file not found") }
        throw InputError(file: path, message: "cannot read: " + String(cString: strerror(errno)))
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return Int(info.st_size)
    case S_IFDIR: throw InputError(file: path, message: "is a folder, expected a file")
    default: throw InputError(file: path, message: "not a regular file (a FIFO, device or socket), expected a file")
    }
}

/// The bytes of the regular file at `path` (`regularFileSize`'s checks). Throws an
/// `InputError` naming `path` also when it is larger than `maximumBytes` or unreadable.
public func readFile(_ path: String, maximumBytes: Int = DecodingLimits.maximumFileBytes) throws -> Data {
    let size = try regularFileSize(path)
    guard size <= maximumBytes else {
        throw InputError(file: path, message: "file of \(size) bytes is larger than the limit of \(maximumBytes) bytes")
    }
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw InputError(file: path, message: "cannot read: \(error.localizedDescription)")
    }
}
