import Diagnostics
import Foundation

/// Writes one TensorBoard event file (`DIR/events.out.tfevents.SECONDS.metasim`): TFRecord
/// records, each an `Event` protobuf (wall_time = 1, step = 2, file_version = 3, summary = 5)
/// holding a `Summary` with one value (tag = 1, simple_value = 2, image = 4, histo = 5). The
/// first record is the `file_version` event `brain.Event:2` TensorBoard expects.
///
/// Each event is appended and handed to the operating system at once, so TensorBoard sees
/// training as it happens and a killed run keeps every event written. Errors are `InputError`s
/// naming the file (a full disk).
public final class EventFileWriter {
    public let path: String
    private let handle: FileHandle

    /// Creates `directory` when missing and a new event file in it. Throws `InputError` when
    /// either cannot be created.
    public init(directory: String, wallTime: Date = Date()) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: directory, message: "cannot create the TensorBoard folder: \(error.localizedDescription)")
        }
        var name = "events.out.tfevents.\(Int(wallTime.timeIntervalSince1970)).metasim"
        var n = 1
        while FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name)) {
            name = "events.out.tfevents.\(Int(wallTime.timeIntervalSince1970)).metasim.\(n)"
            n += 1
        }
        path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw InputError(file: path, message: "cannot create the TensorBoard event file")
        }
        self.handle = handle
        var event = Self.event(step: 0, wallTime: wallTime)
        event.string(3, "brain.Event:2")
        try append(event)
    }

    deinit { try? handle.close() }

    /// A scalar `value` under `tag` at `step`.
    public func scalar(_ tag: String, _ value: Double, step: Int, wallTime: Date = Date()) throws {
        var v = ProtobufWriter()
        v.string(1, tag)
        v.float(2, Float(value))
        try summary(v, step: step, wallTime: wallTime)
    }

    /// An image under `tag` at `step`: `png` holds the encoded PNG of a `width × height` image
    /// with `channels` colour channels (1 grey, 3 RGB, 4 RGBA).
    public func image(_ tag: String, png: [UInt8], width: Int, height: Int, channels: Int, step: Int,
                      wallTime: Date = Date()) throws {
        var image = ProtobufWriter()
        image.int(1, Int64(height))
        image.int(2, Int64(width))
        image.int(3, Int64(channels))
        image.bytes(4, png)
        var v = ProtobufWriter()
        v.string(1, tag)
        v.message(4, image)
        try summary(v, step: step, wallTime: wallTime)
    }

    /// A histogram under `tag` at `step` (`HistogramProto`: min, max, num, sum, sum of squares,
    /// bucket upper limits, bucket counts). Sums use bin centres: only counts are kept.
    public func histogram(_ tag: String, _ histogram: AttributeHistogram, step: Int, wallTime: Date = Date()) throws {
        let edges = histogram.upperEdges
        let width = (histogram.max - histogram.min) / Double(histogram.counts.count)
        let centres = edges.map { $0 - width / 2 }
        let counts = histogram.counts.map(Double.init)
        var h = ProtobufWriter()
        h.double(1, histogram.min)
        h.double(2, histogram.max)
        h.double(3, counts.reduce(0, +))
        h.double(4, zip(centres, counts).map { $0 * $1 }.reduce(0, +))
        h.double(5, zip(centres, counts).map { $0 * $0 * $1 }.reduce(0, +))
        h.packedDoubles(6, edges)
        h.packedDoubles(7, counts)
        var v = ProtobufWriter()
        v.string(1, tag)
        v.message(5, h)
        try summary(v, step: step, wallTime: wallTime)
    }

    private static func event(step: Int, wallTime: Date) -> ProtobufWriter {
        var event = ProtobufWriter()
        event.double(1, wallTime.timeIntervalSince1970)
        event.int(2, Int64(step))
        return event
    }

    private func summary(_ value: ProtobufWriter, step: Int, wallTime: Date) throws {
        var summary = ProtobufWriter()
        summary.message(1, value)
        var event = Self.event(step: step, wallTime: wallTime)
        event.message(5, summary)
        try append(event)
    }

    private func append(_ event: ProtobufWriter) throws {
        do {
            try handle.write(contentsOf: TFRecord.frame(event.bytes))
        } catch {
            throw InputError(file: path, message: "cannot write the TensorBoard event: \(error.localizedDescription)")
        }
    }
}
