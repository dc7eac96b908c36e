import Diagnostics

/// A binary mask in COCO's run-length encoding: `counts` alternate background and foreground
/// run lengths over the pixels in **column-major** order (down each column, columns left to
/// right), always starting with background (a leading 0 when the first pixel is foreground).
/// Codable as COCO's compressed form `{"size": [height, width], "counts": "<string>"}`; use
/// `uncompressedJSON` for the `counts: [Int]` form.
public struct COCORLE: Equatable, Sendable {
    /// Mask rows, in pixels (COCO's `size[0]`).
    public var height: Int
    /// Mask columns, in pixels (COCO's `size[1]`).
    public var width: Int
    /// Run lengths, background first, column-major; they sum to `height × width` for a valid mask.
    public var counts: [Int]

    /// Wraps already-computed runs; nothing is checked (the decoding initialisers validate).
    public init(height: Int, width: Int, counts: [Int]) {
        self.height = height
        self.width = width
        self.counts = counts
    }

    /// The RLE of a row-major `height × width` mask (true = foreground). An empty mask gives
    /// `[height·width]`; a 0×0 mask gives `[]`.
    public init(rowMajorMask mask: [Bool], width: Int, height: Int) {
        precondition(mask.count == width * height, "COCORLE: mask size")
        var counts: [Int] = []
        var current = false, run = 0
        for x in 0..<width {
            for y in 0..<height {
                let value = mask[y * width + x]
                if value != current { counts.append(run); run = 0; current = value }
                run += 1
            }
        }
        if run > 0 || !counts.isEmpty { counts.append(run) }
        self.init(height: height, width: width, counts: counts)
    }

    /// One RLE per instance id of a row-major `instanceMask` (0 = background), in one
    /// column-major pass. Ids that never occur are absent from the result. Per-id state lives in
    /// arrays indexed by id (ids are 16-bit; no hashing per pixel).
    public static func instances(of instanceMask: [UInt16], width: Int, height: Int) -> [Int: COCORLE] {
        precondition(instanceMask.count == width * height, "COCORLE: mask size")
        guard let maxId = instanceMask.max(), maxId > 0 else { return [:] }
        var counts = [[Int]](repeating: [], count: Int(maxId) + 1)
        var runEnd = [Int](repeating: -1, count: Int(maxId) + 1)  // column-major index just after each id's last pixel
        instanceMask.withUnsafeBufferPointer { mask in
            var i = 0
            for x in 0..<width {
                var p = x
                for _ in 0..<height {
                    let id = Int(mask[p])
                    if id != 0 {
                        let end = runEnd[id]
                        if end == i {
                            counts[id][counts[id].count - 1] += 1
                        } else if end < 0 {
                            counts[id] = [i, 1]
                        } else {
                            counts[id].append(i - end)
                            counts[id].append(1)
                        }
                        runEnd[id] = i + 1
                    }
                    i += 1
                    p += width
                }
            }
        }
        let total = width * height
        var result: [Int: COCORLE] = [:]
        for id in 1..<counts.count where runEnd[id] >= 0 {
            var c = counts[id]
            if runEnd[id] < total { c.append(total - runEnd[id]) }
            result[id] = COCORLE(height: height, width: width, counts: c)
        }
        return result
    }

    /// Foreground pixel count (sum of the odd-position runs).
    public var area: Int {
        stride(from: 1, to: counts.count, by: 2).reduce(0) { $0 + counts[$1] }
    }

    /// The mask back in row-major order. Precondition: the counts sum to `height · width`.
    public func rowMajorMask() -> [Bool] {
        var mask = [Bool](repeating: false, count: width * height)
        var i = 0
        for (k, run) in counts.enumerated() {
            if k % 2 == 1 {
                for j in i..<(i + run) { mask[(j % height) * width + j / height] = true }
            }
            i += run
        }
        return mask
    }

    /// COCO's compressed `counts` string (pycocotools' `rleToString`): each count after the
    /// second is stored as the difference from the count two before; each value is written in
    /// 5-bit groups, least significant first, as characters from 48, bit 0x20 meaning "more
    /// groups follow" and bit 0x10 of the last group giving the sign.
    public var compressedCounts: String {
        var bytes: [UInt8] = []
        for (k, count) in counts.enumerated() {
            var x = count - (k > 2 ? counts[k - 2] : 0)
            var more = true
            while more {
                var c = x & 0x1F
                x >>= 5  // arithmetic shift: negative values end at -1
                more = (c & 0x10) != 0 ? x != -1 : x != 0
                if more { c |= 0x20 }
                bytes.append(UInt8(c + 48))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes a compressed `counts` string (the inverse of `compressedCounts`). Throws an
    /// `InputError` (with `file`, `path`) on characters outside the code or a truncated value.
    public init(height: Int, width: Int, compressed: String, file: String = "", path: String = "counts") throws {
        var counts: [Int] = []
        let bytes = Array(compressed.utf8)
        var p = 0
        while p < bytes.count {
            var x = 0, shift = 0, more = true
            while more {
                guard p < bytes.count else { throw InputError(file: file, path: path, message: "truncated RLE counts") }
                let c = Int(bytes[p]) - 48
                guard (0..<64).contains(c), shift < 60 else {
                    throw InputError(file: file, path: path, message: "invalid RLE counts character at \(p)")
                }
                x |= (c & 0x1F) << shift
                more = (c & 0x20) != 0
                p += 1
                shift += 5
                if !more && (c & 0x10) != 0 { x |= -1 << shift }
            }
            if counts.count > 2 { x += counts[counts.count - 2] }
            counts.append(x)
        }
        guard counts.allSatisfy({ $0 >= 0 }), counts.reduce(0, +) == height * width else {
            throw InputError(file: file, path: path, message: "RLE counts do not cover \(height)x\(width) pixels")
        }
        self.init(height: height, width: width, counts: counts)
    }
}

extension COCORLE: Codable {
    private enum CodingKeys: String, CodingKey { case size, counts }

    /// Writes COCO's compressed form: `size` as `[height, width]`, `counts` as a string.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([height, width], forKey: .size)
        try c.encode(compressedCounts, forKey: .counts)
    }

    /// Accepts both the compressed (string) and the uncompressed (array) `counts`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let size = try c.decode([Int].self, forKey: .size)
        guard size.count == 2 else {
            throw DecodingError.dataCorruptedError(forKey: .size, in: c, debugDescription: "size must be [height, width]")
        }
        if let list = try? c.decode([Int].self, forKey: .counts) {
            self.init(height: size[0], width: size[1], counts: list)
        } else {
            try self.init(height: size[0], width: size[1], compressed: try c.decode(String.self, forKey: .counts))
        }
    }

    /// The uncompressed JSON form, `{"size": [h, w], "counts": [Int]}`.
    public var uncompressedJSON: UncompressedCOCORLE { UncompressedCOCORLE(size: [height, width], counts: counts) }
}

/// COCO's uncompressed RLE (`counts` as a list), as written with `iscrowd` in many datasets.
public struct UncompressedCOCORLE: Codable, Equatable, Sendable {
    /// `[height, width]` in pixels.
    public var size: [Int]
    /// Run lengths as numbers, background first, column-major.
    public var counts: [Int]
}
