import CPNGRows
import Diagnostics
import Foundation

/// A width and height in pixels: the size a downsampling decode must still cover
/// (`ImageFile.decode(_:file:atLeast:)`).
public struct PixelSize: Equatable, Hashable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// Decoding a large PNG straight into a smaller size: libpng hands over one row at a time
/// (`CPNGRows`), each row is area-averaged horizontally (`ResamplingTaps`, `.area`) and added,
/// with its vertical area weights, into the output rows it covers. Memory: the output, one
/// row and its horizontal average — never the whole image. The taps and the order of the
/// additions are those of `Image.resized(width:height:method: .area)`, so the result equals
/// decoding in full and resizing, bit for bit.
enum PNGDownsampling {
    /// `data` decoded and area-averaged to `size`, or nil when it should be decoded whole: not
    /// larger than `size` in both dimensions (or equal), or interlaced. Throws an `InputError`
    /// naming `file` for corrupt data and for headers past `DecodingLimits.maximumRowWidth` or
    /// `maximumDownsampledPixels` (checked before decoding anything).
    static func decode(_ data: Data, file: String, to size: PixelSize) throws -> Image? {
        guard size.width > 0, size.height > 0 else { return nil }
        let sink = Sink(target: size)
        var width: UInt32 = 0, height: UInt32 = 0
        var message = [CChar](repeating: 0, count: Int(MSP_MESSAGE_SIZE))
        let header: msp_header_fn = { context, width, height, channels in
            Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue().start(width: Int(width), height: Int(height), channels: Int(channels))
        }
        let row: msp_row_fn = { context, row, y in
            Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue().add(row: row!, y: Int(y))
        }
        let status = data.withUnsafeBytes { raw in
            msp_decode_rows(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt32(DecodingLimits.maximumRowWidth),
                            UInt64(DecodingLimits.maximumDownsampledPixels), header, row,
                            Unmanaged.passUnretained(sink).toOpaque(), &width, &height, &message)
        }
        switch Int(status) {
        case Int(MSP_OK):
            return sink.image
        case Int(MSP_STOPPED), Int(MSP_INTERLACED):
            return nil
        case Int(MSP_TOO_LARGE):
            throw DecodingLimits.tooLarge(width: Int(width), height: Int(height), file: file, format: "PNG", downsampled: true)
        default:
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw InputError(file: file, message: "corrupt or truncated PNG: \(text)")
        }
    }

    /// Receives the rows and keeps the running sums.
    final class Sink {
        let target: PixelSize
        var channels = 0
        var width = 0
        var xTaps = ResamplingTaps(source: 1, target: 1, method: .area)
        /// For each source row, the output rows it adds to and with which weight (flat, with starts).
        var rowStarts: [Int] = []
        var rowTargets: [Int] = []
        var rowWeights: [Float] = []
        var averaged: [Float] = []
        var output: [Float] = []

        init(target: PixelSize) { self.target = target }

        /// Returns 0 to go on when the image is larger than the target in both dimensions
        /// and not equal to it, 1 (stop: decode whole) otherwise.
        func start(width: Int, height: Int, channels: Int) -> Int32 {
            guard width >= target.width, height >= target.height, width > target.width || height > target.height else { return 1 }
            self.width = width
            self.channels = channels
            xTaps = ResamplingTaps(source: width, target: target.width, method: .area)
            let yTaps = ResamplingTaps(source: height, target: target.height, method: .area)
            var lists = [[(Int, Float)]](repeating: [], count: height)
            for o in 0..<target.height {
                for t in yTaps.range(o) { lists[yTaps.indices[t]].append((o, yTaps.weights[t])) }
            }
            rowStarts = [0]
            for list in lists {
                for (o, w) in list { rowTargets.append(o); rowWeights.append(w) }
                rowStarts.append(rowTargets.count)
            }
            averaged = [Float](repeating: 0, count: target.width * channels)
            output = [Float](repeating: 0, count: target.width * target.height * channels)
            return 0
        }

        /// Adds source row `y` (`width × channels` bytes) into the output.
        func add(row: UnsafePointer<UInt8>, y: Int) {
            let c = channels, rowLength = target.width * c
            averaged.withUnsafeMutableBufferPointer { dst in
                for i in 0..<rowLength { dst[i] = 0 }
                for x in 0..<target.width {
                    let out = x * c
                    for t in xTaps.range(x) {
                        let w = xTaps.weights[t], s = xTaps.indices[t] * c
                        for k in 0..<c { dst[out + k] += w * (Float(row[s + k]) / 255) }
                    }
                }
            }
            averaged.withUnsafeBufferPointer { src in
                output.withUnsafeMutableBufferPointer { dst in
                    for t in rowStarts[y]..<rowStarts[y + 1] {
                        let w = rowWeights[t], o = rowTargets[t] * rowLength
                        for i in 0..<rowLength { dst[o + i] += w * src[i] }
                    }
                }
            }
        }

        var image: Image { Image(width: target.width, height: target.height, channels: channels, pixels: output) }
    }
}
