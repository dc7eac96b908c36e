import Diagnostics
import Foundation
import XCTest
@testable import Codecs

/// Inputs that claim more than they hold, or are not what they seem: errors naming the file,
/// decided before anything large is allocated.
final class DecodingLimitsTests: XCTestCase {
    /// A valid 429-byte CMYK JPEG (Adobe APP14, 4 components).
    static let cmykJPEG = "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwAIBgYHBgUIBwcHCQkICgwUDQwLCwwZEhMPFB0aHx4dGhwcICQuJyAiLCMcHCg3KSwwMTQ0NB8nOT04MjwuMzQy/8AAFAgAIAAgBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwD3+vf69/r5/ooooooooooooooooooooooor3//AIZl/wCpu/8AKb/9tooorwCiiiiiiiiiiivf/wDhpr/qUf8Aypf/AGqiiivAKKKKKKKKKKKKKKKKK//Z"

    /// CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), as PNG chunks carry.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// A real 2x2 PNG whose IHDR is rewritten to claim `width × height` (CRC fixed up).
    static func pngClaiming(width: UInt32, height: UInt32) throws -> Data {
        var bytes = [UInt8](try PNG.encode(Image(width: 2, height: 2, channels: 1)))
        func put(_ value: UInt32, at offset: Int) {
            for k in 0..<4 { bytes[offset + k] = UInt8((value >> (24 - 8 * UInt32(k))) & 0xFF) }
        }
        // signature (8) + length (4) + "IHDR" (4): width at 16, height at 20, CRC after 13 data bytes.
        XCTAssertEqual(Array(bytes[12..<16]), Array("IHDR".utf8))
        put(width, at: 16)
        put(height, at: 20)
        put(crc32(Array(bytes[12..<29])), at: 29)
        return Data(bytes)
    }

    func testPNGDecompressionBombIsRefusedFromItsHeader() throws {
        let bomb = try DecodingLimitsTests.pngClaiming(width: 45000, height: 45000)
        XCTAssertThrowsError(try PNG.decode(bomb, file: "bomb.png")) { error in
            XCTAssertEqual((error as? InputError)?.file, "bomb.png")
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("image too large: PNG of 45000x45000 pixels") ?? false, "\(error)")
        }
        // Just above and at the limit: the limit decides, not the data (which is short either way).
        XCTAssertThrowsError(try PNG.decode(try DecodingLimitsTests.pngClaiming(width: 8193, height: 8192), file: "x")) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("image too large") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try PNG.decode(try DecodingLimitsTests.pngClaiming(width: 8192, height: 8192), file: "x")) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("corrupt or truncated PNG") ?? false, "\(error)")
        }
    }

    func testHugeJPEGIsRefusedFromItsHeader() throws {
        var bytes = [UInt8](try JPEG.encode(Image(width: 8, height: 8, channels: 1)))
        let sof = try XCTUnwrap((0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        // SOF0: marker, length (2), precision (1), height (2), width (2).
        bytes[sof + 5] = 0x75; bytes[sof + 6] = 0x30   // 30000
        bytes[sof + 7] = 0x75; bytes[sof + 8] = 0x30
        XCTAssertThrowsError(try JPEG.decode(Data(bytes), file: "big.jpg")) { error in
            XCTAssertEqual((error as? InputError)?.message.hasPrefix("image too large: JPEG of 30000x30000 pixels"), true, "\(error)")
        }
    }

    func testCMYKJPEGIsNamedAsSuch() {
        XCTAssertThrowsError(try JPEG.decode(Data(base64Encoded: DecodingLimitsTests.cmykJPEG)!, file: "x.jpg")) { error in
            let message = (error as? InputError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("CMYK JPEG not supported"), message)
            XCTAssertFalse(message.contains("corrupt"), message)
        }
    }

    func testFIFOIsNotReadAndSaysWhatItIs() throws {
        let folder = NSTemporaryDirectory() + "fifo-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/x-fifo.png"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        for read in [{ _ = try ImageFile.read(fifo) }, { _ = try IDXArray.read(path: fifo) }] {
            XCTAssertThrowsError(try read()) { error in
                XCTAssertEqual((error as? InputError)?.file, fifo)
                XCTAssertTrue((error as? InputError)?.message.hasPrefix("not a regular file") ?? false, "\(error)")
            }
        }
        XCTAssertThrowsError(try readFile("/dev/zero")) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("not a regular file") ?? false, "\(error)")
        }
    }

    /// An IDX header whose dimensions claim far more than the file holds.
    func idxFile(dimensions: [UInt32], dataBytes: Int = 4) throws -> String {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions { bytes += [24, 16, 8, 0].map { UInt8((d >> UInt32($0)) & 0xFF) } }
        bytes += [UInt8](repeating: 7, count: dataBytes)
        let path = NSTemporaryDirectory() + "idx-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testIDXHeaderClaimingMoreThanTheFileHoldsIsTruncatedNotAllocated() throws {
        // 3 × 2^32-1 × 1 ≈ 12.9 GB claimed (below the 2^34 cap), 4 bytes present.
        let claimed = try idxFile(dimensions: [3, 0xFFFF_FFFF, 1])
        XCTAssertThrowsError(try IDXArray.read(path: claimed)) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("IDX data truncated") ?? false, "\(error)")
        }
        // A product that overflows Int is too large, not wrapped.
        let overflowing = try idxFile(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF])
        XCTAssertThrowsError(try IDXArray.read(path: overflowing)) { error in
            XCTAssertTrue((error as? InputError)?.message.contains("too large") ?? false, "\(error)")
        }
        XCTAssertEqual(try IDXArray.read(path: try idxFile(dimensions: [2, 2])), IDXArray(dimensions: [2, 2], bytes: [7, 7, 7, 7]))
    }
}

final class AbandonedTemporaryTests: XCTestCase {
    func testTemporariesOfDeadProcessesAreRemovedOthersKept() throws {
        let folder = NSTemporaryDirectory() + "tmp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let names = [".s.jsonl.tmp-999999999-1", ".s.jsonl.tmp-\(getpid())-7", ".other.tmp-999999999-1", "s.jsonl"]
        for name in names { try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
        AtomicFile.removeAbandonedTemporaries(of: folder + "/s.jsonl")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       [".other.tmp-999999999-1", ".s.jsonl.tmp-\(getpid())-7", "s.jsonl"])
    }
}
