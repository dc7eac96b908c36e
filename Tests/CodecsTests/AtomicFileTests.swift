import Diagnostics
import Foundation
import XCTest
@testable import Codecs

final class AtomicFileTests: XCTestCase {
    func testFileAppearsOnlyAtCommit() throws {
        let folder = try temporaryFolder()
        let path = folder + "/out.bin"
        let writer = try AtomicFileWriter(path: path)
        try writer.write([1, 2, 3])
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        try writer.commit()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data([1, 2, 3]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["out.bin"])
    }

    func testFailureInBodyRemovesTemporaryAndKeepsOldFile() throws {
        let folder = try temporaryFolder()
        let path = folder + "/keep.txt"
        try AtomicFile.write(Array("old".utf8), to: path)
        struct Boom: Error {}
        XCTAssertThrowsError(try AtomicFile.write(to: path) { writer in
            try writer.write("new and half")
            throw Boom()
        })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["keep.txt"])
    }

    func testAbandonedWriterCleansUpAndLargeWritesStream() throws {
        let folder = try temporaryFolder()
        do {
            let writer = try AtomicFileWriter(path: folder + "/big.bin")
            for _ in 0..<5 { try writer.write([UInt8](repeating: 7, count: 50_000)) }
            XCTAssertGreaterThan(writer.byteCount, 0, "should have flushed past the buffer")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }

    func testMissingFolderIsAnInputError() {
        XCTAssertThrowsError(try AtomicFileWriter(path: "/nonexistent-folder/x")) { error in
            XCTAssertEqual((error as? InputError)?.file, "/nonexistent-folder/x")
        }
    }
}
