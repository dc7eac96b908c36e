/// Reading back the ustar archives `TarWriter` writes, for resuming a WebDataset: the complete
/// entries of an archive or of a prefix of one (an interrupted shard, cut anywhere).
enum TarEntries {
    /// The entries of `bytes` that are complete (header, data and padding present), in order,
    /// up to the end-of-archive blocks, a cut, or the first header that is not one `TarWriter`
    /// writes (bad checksum, not a regular file).
    static func complete(in bytes: [UInt8]) -> [(name: String, contents: ArraySlice<UInt8>)] {
        var entries: [(name: String, contents: ArraySlice<UInt8>)] = []
        var offset = 0
        while offset + 512 <= bytes.count {
            let header = Array(bytes[offset..<offset + 512])
            guard header.contains(where: { $0 != 0 }), header[156] == 0x30,
                  let size = octal(header[124..<136]), let sum = octal(header[148..<156]) else { break }
            var blank = header
            for i in 148..<156 { blank[i] = 0x20 }
            guard blank.reduce(0, { $0 + Int($1) }) == sum else { break }
            let start = offset + 512
            let end = start + (size + 511) / 512 * 512
            guard end <= bytes.count else { break }
            let name = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
            entries.append((name, bytes[start..<start + size]))
            offset = end
        }
        return entries
    }

    /// An octal field (digits, then NUL or space padding), or nil when it holds none.
    private static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        let digits = field.prefix { $0 >= 0x30 && $0 <= 0x37 }
        guard !digits.isEmpty else { return nil }
        return digits.reduce(0) { $0 * 8 + Int($1 - 0x30) }
    }
}
