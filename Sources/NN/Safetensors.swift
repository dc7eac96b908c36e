import Diagnostics
import Foundation
import Tensor

/// The safetensors format: 8-byte little-endian header length n, n bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__":
/// {string: string}}`, offsets relative to the data section), then raw little-endian data.
///
/// Reading accepts F32, F16, BF16, F64, I64, I32 and converts to Float32. Every problem —
/// truncated file, malformed header, unknown dtype, offsets outside the data, a byte count that
/// does not match the shape, a missing tensor — throws `InputError` naming the file and the
/// tensor; nothing crashes.
public struct SafetensorsFile: Sendable {
    /// One tensor's header record, already validated against the file's size.
    public struct Entry: Sendable, Equatable {
        /// Stored element type as written in the header: one of F32, F16, BF16, F64, I64, I32.
        public var dtype: String
        /// Tensor shape (every dimension ≥ 0; `[]` is a scalar holding one element).
        public var shape: [Int]
        /// Byte offsets of the data, relative to the start of the data section (not of the file);
        /// its length is exactly element count × element size.
        public var byteRange: Range<Int>
    }

    /// The file path given to `init`, used to name the file in every error.
    public let path: String
    /// Header record of every tensor, by name (the `__metadata__` key excluded).
    public let entries: [String: Entry]
    /// The `__metadata__` object of the header (empty when absent); non-string values are kept
    /// as their text form.
    public let metadata: [String: String]
    let bytes: Data
    let dataStart: Int

    static let elementSizes = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4]

    /// Reads and validates the whole file.
    public init(path: String) throws {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, message: "cannot read safetensors file")
        }
        try self.init(bytes: bytes, path: path)
    }

    /// Parses `bytes`; `path` names the source in errors.
    public init(bytes: Data, path: String) throws {
        let bytes = Data(bytes)  // rebase indices at 0
        self.path = path
        self.bytes = bytes
        guard bytes.count >= 8 else {
            throw InputError(file: path, message: "truncated: \(bytes.count) bytes, need at least 8 for the header length")
        }
        let headerLength = bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw InputError(file: path, message: "truncated: header length \(headerLength) exceeds the \(bytes.count - 8) bytes after it")
        }
        dataStart = 8 + Int(headerLength)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<dataStart)) }
        catch { throw InputError(file: path, path: "header", message: "malformed JSON header: \(error.localizedDescription)") }
        guard let header = json as? [String: Any] else {
            throw InputError(file: path, path: "header", message: "header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        let dataLength = bytes.count - dataStart
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else {
                    throw InputError(file: path, path: name, message: "metadata is not an object")
                }
                for (k, v) in m { metadata[k] = (v as? String) ?? "\(v)" }
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2, shape.count == (info["shape"] as? [Any])?.count else {
                throw InputError(file: path, path: name, message: "malformed entry: needs dtype, shape and data_offsets [begin, end]")
            }
            guard let size = Self.elementSizes[dtype] else {
                throw InputError(file: path, path: name,
                                 message: "unsupported dtype \(dtype) (supported: \(Self.elementSizes.keys.sorted().joined(separator: ", ")))")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw InputError(file: path, path: name, message: "negative dimension in shape \(shape)")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength else {
                throw InputError(file: path, path: name,
                                 message: "data offsets \(offsets) outside the \(dataLength)-byte data section (truncated file?)")
            }
            guard offsets[1] - offsets[0] == Self.byteCount(shape: shape, elementSize: size) else {
                throw InputError(file: path, path: name,
                                 message: "\(offsets[1] - offsets[0]) bytes do not hold \(dtype) shape \(shape)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
        }
        self.entries = entries
        self.metadata = metadata
    }

    /// Bytes held by a tensor of `shape` (dimensions ≥ 0) and `elementSize`, or nil when the
    /// product of its non-zero dimensions and the element size overflows `Int` (a header may
    /// declare any shape). Refusing those, even when a 0 makes the tensor empty, also keeps
    /// `shapeCount` and `Tensor` (which multiply dimensions in order) from overflowing later.
    static func byteCount(shape: [Int], elementSize: Int) -> Int? {
        var total = elementSize
        for dimension in shape where dimension != 0 {
            let product = total.multipliedReportingOverflow(by: dimension)
            if product.overflow { return nil }
            total = product.partialValue
        }
        return shape.contains(0) ? 0 : total
    }

    /// Tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The tensor `name`, converted to Float32.
    /// - Throws: `InputError` when the file has no tensor of that name.
    public func tensor(_ name: String) throws -> Tensor {
        guard let entry = entries[name] else {
            throw InputError(file: path, path: name, message: "no tensor of this name in the file")
        }
        let count = shapeCount(entry.shape)
        let start = dataStart + entry.byteRange.lowerBound
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + start
            func load<T: FixedWidthInteger>(_: T.Type, _ k: Int) -> T {
                T(littleEndian: (base + k * MemoryLayout<T>.size).loadUnaligned(as: T.self))
            }
            for k in 0..<count {
                switch entry.dtype {
                case "F32": values[k] = Float(bitPattern: load(UInt32.self, k))
                case "F64": values[k] = Float(Double(bitPattern: load(UInt64.self, k)))
                case "F16": values[k] = Float(Float16(bitPattern: load(UInt16.self, k)))
                case "BF16": values[k] = Float(bitPattern: UInt32(load(UInt16.self, k)) << 16)
                case "I64": values[k] = Float(Int64(bitPattern: load(UInt64.self, k)))
                default: values[k] = Float(Int32(bitPattern: load(UInt32.self, k)))  // I32
                }
            }
        }
        return Tensor(shape: entry.shape, data: values)
    }

    /// Every tensor, by name.
    public func allTensors() throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for name in names { out[name] = try tensor(name) }
        return out
    }
}

/// Writes `tensors` as a safetensors file (F32, little-endian), names sorted, data in that
/// order, header padded with spaces to a multiple of 8 bytes (as the reference library does).
/// Writes to a temporary file in the same folder and renames it into place.
public func writeSafetensors(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
    try safetensorsBytes(tensors, metadata: metadata).write(to: URL(fileURLWithPath: path), options: .atomic)
}

/// The bytes of a safetensors file holding `tensors` (see `writeSafetensors`).
public func safetensorsBytes(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
    var header: [String: Any] = [:]
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var offset = 0
    let names = tensors.keys.sorted()
    for name in names {
        let t = tensors[name]!
        header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
        offset += 4 * t.count
    }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var out = Data(capacity: 8 + json.count + offset)
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(json)
    for name in names {
        let le = tensors[name]!.data.map { $0.bitPattern.littleEndian }
        le.withUnsafeBytes { out.append(contentsOf: $0) }
    }
    return out
}
