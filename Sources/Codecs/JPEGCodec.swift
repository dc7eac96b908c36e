import CJPEGCodec
import Diagnostics
import Foundation

/// JPEG through libjpeg(-turbo), via our C shim `CJPEGCodec`, which catches libjpeg's errors
/// with setjmp inside C and returns them as codes (libjpeg's default handler would exit()).
///
/// Reading gives 1 channel for greyscale JPEGs and 3 (RGB) for colour ones; CMYK is rejected.
/// Corrupt-data warnings (a truncated file, after which libjpeg would pad with grey) are errors.
/// Writing accepts 1 or 3 channels; for 4 channels, drop or composite alpha first
/// (`Image.converted(toChannels:)`).
public enum JPEG {
    /// Decodes a whole JPEG file held in memory. `file` names it in errors. Throws an
    /// `InputError` for corrupt or truncated data, CMYK/YCCK JPEGs (said as such), and headers
    /// declaring more than `DecodingLimits.maximumPixels` pixels (before allocating them).
    public static func decode(_ data: Data, file: String) throws -> Image {
        var decoded = msj_decoded()
        let status = data.withUnsafeBytes { raw in
            msj_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, DecodingLimits.maximumPixels, &decoded)
        }
        defer { msj_free(decoded.pixels) }
        guard status == Int32(MSJ_OK), let pixels = decoded.pixels else {
            let text = withUnsafeBytes(of: &decoded.message) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            switch status {
            case Int32(MSJ_CMYK):
                throw InputError(file: file, message: "CMYK JPEG not supported (only greyscale and RGB/YCbCr); convert it to RGB")
            case Int32(MSJ_TOO_LARGE):
                throw DecodingLimits.tooLarge(width: Int(decoded.width), height: Int(decoded.height), file: file, format: "JPEG")
            default:
                throw InputError(file: file, message: "corrupt or truncated JPEG: \(text)")
            }
        }
        let width = Int(decoded.width), height = Int(decoded.height), channels = Int(decoded.channels)
        return Quantization.image(width: width, height: height, channels: channels,
                                  bytes: UnsafeBufferPointer(start: pixels, count: width * height * channels))
    }

    /// Encodes `image` (1 or 3 channels) at `quality` 1-100 (clamped).
    public static func encode(_ image: Image, quality: Int = 92, file: String = "<memory>") throws -> Data {
        guard image.channels == 1 || image.channels == 3 else {
            throw InputError(file: file, message: "cannot write a \(image.channels)-channel image as JPEG (1 or 3)")
        }
        let bytes = Quantization.bytes(of: image)
        var jpeg: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: Int(MSJ_MESSAGE_SIZE))
        let status = msj_encode(bytes, Int32(image.width), Int32(image.height), Int32(image.channels),
                                Int32(quality), &jpeg, &size, &message)
        defer { msj_free(jpeg) }
        guard status == 0, let jpeg else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw InputError(file: file, message: "cannot encode JPEG: \(text)")
        }
        return Data(bytes: jpeg, count: Int(size))
    }

    /// Reads and decodes the JPEG file at `path`.
    public static func read(_ path: String) throws -> Image {
        try decode(try readFile(path), file: path)
    }

    /// Encodes `image` and writes it to `path` atomically.
    public static func write(_ image: Image, to path: String, quality: Int = 92) throws {
        try AtomicFile.write(try encode(image, quality: quality, file: path), to: path)
    }
}
