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
    ///
    /// With `atLeast`, the image is downsampled while decoding: libjpeg's DCT scaling
    /// (scale_num/8, N = 1…8) at the smallest scale whose size still covers `atLeast` (full size
    /// when none does). The limits then apply to the decoded size (`maximumPixels`) and the
    /// declared one (`maximumDownsampledPixels`): a 30000 × 30000 photo decodes at 3750 × 3750.
    public static func decode(_ data: Data, file: String, atLeast: PixelSize? = nil) throws -> Image {
        var decoded = msj_decoded()
        let declaredLimit = atLeast == nil ? DecodingLimits.maximumPixels : DecodingLimits.maximumDownsampledPixels
        let status = data.withUnsafeBytes { raw in
            msj_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, DecodingLimits.maximumPixels, declaredLimit,
                       Int32(clamping: atLeast?.width ?? 0), Int32(clamping: atLeast?.height ?? 0), &decoded)
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
                throw DecodingLimits.tooLarge(width: Int(decoded.width), height: Int(decoded.height), file: file, format: "JPEG",
                                              downsampled: atLeast != nil)
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
        return try encodeBytes(Quantization.bytes(of: image), width: image.width, height: image.height,
                               channels: image.channels, quality: quality, file: file)
    }

    /// Encodes interleaved 8-bit samples (1 or 3 channels) at `quality` 1-100 (clamped).
    static func encodeBytes(_ bytes: [UInt8], width: Int, height: Int, channels: Int, quality: Int, file: String) throws -> Data {
        var jpeg: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: Int(MSJ_MESSAGE_SIZE))
        let status = msj_encode(bytes, Int32(width), Int32(height), Int32(channels),
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
