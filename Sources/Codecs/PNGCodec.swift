import CPNG
import Diagnostics
import Foundation

/// PNG through libpng's simplified `png_image` API, which reports errors as return codes
/// (the classic API longjmps, which must never cross Swift frames).
///
/// Reading accepts every PNG libpng does: grey, grey+alpha, RGB, RGBA, palette, 1-16 bits.
/// Grey stays 1 channel, RGB 3; anything with alpha (or a palette with transparency) becomes
/// RGBA (grey+alpha is expanded to RGBA, since `Image` has no 2-channel form); palettes expand
/// to RGB(A); 16-bit samples are scaled to 8 bits (treated as sRGB-encoded, no gamma change).
/// Writing is 8-bit grey, RGB or RGBA by `image.channels` (values quantised by `Quantization`).
public enum PNG {
    /// The 8 bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Decodes a whole PNG file held in memory. `file` names it in errors. Truncated or corrupt
    /// data throws an `InputError` (never a partial or black image), and so does a header that
    /// declares more than `DecodingLimits.maximumPixels` pixels, before any pixel memory is
    /// allocated (a decompression bomb).
    ///
    /// With `atLeast`, an image larger than it in both dimensions is decoded row by row and
    /// area-averaged into exactly that size (`PNGDownsampling`): the same pixels as decoding
    /// in full and `resized(width:height:method: .area)`, in memory bounded by the output plus
    /// one row, for images of up to `DecodingLimits.maximumDownsampledPixels` pixels (rows of
    /// at most `maximumRowWidth`). Interlaced PNGs are decoded in full (within `maximumPixels`).
    public static func decode(_ data: Data, file: String, atLeast: PixelSize? = nil) throws -> Image {
        if let atLeast, let image = try PNGDownsampling.decode(data, file: file, to: atLeast) { return image }
        return try decodeWhole(data, file: file)
    }

    /// Decodes at full size (see `decode(_:file:atLeast:)`).
    static func decodeWhole(_ data: Data, file: String) throws -> Image {
        guard data.count >= signature.count, data.prefix(signature.count).elementsEqual(signature) else {
            throw InputError(file: file, message: data.isEmpty ? "empty file, expected a PNG image"
                                                               : "not a PNG file (bad signature)")
        }
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Image in
            defer { png_image_free(&png) }
            guard png_image_begin_read_from_memory(&png, raw.baseAddress, raw.count) != 0 else {
                throw InputError(file: file, message: "corrupt PNG: \(message(of: &png))")
            }
            let hasAlpha = png.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
            let hasColour = png.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
            let channels = hasAlpha ? 4 : (hasColour ? 3 : 1)
            png.format = layout(channels: channels)
            png.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
            let width = Int(png.width), height = Int(png.height)
            guard width > 0, height > 0 else {
                throw InputError(file: file, message: "PNG of \(width)x\(height) pixels is empty")
            }
            try DecodingLimits.checkPixels(width: width, height: height, file: file, format: "PNG")
            var bytes = [UInt8](repeating: 0, count: width * height * channels)
            let ok = bytes.withUnsafeMutableBytes { out in
                png_image_finish_read(&png, nil, out.baseAddress, 0, nil)
            }
            guard ok != 0 else {
                throw InputError(file: file, message: "corrupt or truncated PNG: \(message(of: &png))")
            }
            return bytes.withUnsafeBufferPointer {
                Quantization.image(width: width, height: height, channels: channels, bytes: $0)
            }
        }
    }

    /// Encodes `image` (1, 3 or 4 channels, at least 1×1) as an 8-bit PNG. `file` names the
    /// destination in errors.
    public static func encode(_ image: Image, file: String = "<memory>") throws -> Data {
        guard [1, 3, 4].contains(image.channels) else {
            throw InputError(file: file, message: "cannot write a \(image.channels)-channel image as PNG (1, 3 or 4)")
        }
        guard image.width > 0, image.height > 0 else {
            throw InputError(file: file, message: "cannot write an empty \(image.width)x\(image.height) image as PNG")
        }
        return try encodeBytes(Quantization.bytes(of: image), width: image.width, height: image.height,
                               format: layout(channels: image.channels), file: file)
    }

    /// Encodes interleaved 8-bit samples with a `PNG_FORMAT_*` layout.
    static func encodeBytes(_ bytes: [UInt8], width: Int, height: Int, format: UInt32, file: String) throws -> Data {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(width)
        png.height = UInt32(height)
        png.format = format
        defer { png_image_free(&png) }
        // One compression pass into a buffer bounded like libpng's PNG_IMAGE_PNG_SIZE_MAX (zlib's
        // worst case plus chunk overheads); should libpng still ask for more, retry at its size.
        let raw = (width * layoutChannels(format) + 1) * height
        let deflateBound = raw + (raw + 7) / 8 + (raw + 63) / 64 + 11
        var capacity = deflateBound + 12 * (deflateBound / 1024 + 1) + 1024
        return try bytes.withUnsafeBytes { pixels -> Data in
            for _ in 0..<2 {
                var out = Data(count: capacity)
                var size = capacity
                let ok = out.withUnsafeMutableBytes { buffer in
                    png_image_write_to_memory(&png, buffer.baseAddress, &size, 0, pixels.baseAddress, 0, nil)
                }
                if ok != 0 { return out.prefix(size) }
                guard size > capacity else { break }
                capacity = size
            }
            throw InputError(file: file, message: "cannot encode PNG: \(message(of: &png))")
        }
    }

    /// Reads and decodes the PNG file at `path`.
    public static func read(_ path: String) throws -> Image {
        try decode(try readFile(path), file: path)
    }

    /// Encodes `image` and writes it to `path` atomically (temporary name, then rename).
    public static func write(_ image: Image, to path: String) throws {
        try AtomicFile.write(try encode(image, file: path), to: path)
    }

    /// libpng's `PNG_FORMAT_*` value for 8-bit samples with 1 (grey), 3 (RGB) or 4 (RGBA) channels
    /// (the composite macros such as PNG_FORMAT_RGBA do not import into Swift).
    static func layout(channels: Int) -> UInt32 {
        let colour = channels >= 3 ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0
        let alpha = channels == 4 || channels == 2 ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0
        return colour | alpha
    }

    /// Channels of a `layout(channels:)` value.
    static func layoutChannels(_ format: UInt32) -> Int {
        (format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1) + (format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0 ? 1 : 0)
    }

    private static func message(of png: inout png_image) -> String {
        let text = withUnsafeBytes(of: &png.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return text.isEmpty ? "unknown libpng error" : text
    }
}
