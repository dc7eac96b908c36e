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

    /// Where a writer puts its temporary file: the folder and name of the path, split at the
    /// last `/` (names with accents or composed characters too), or as `URL` reads paths that
    /// do not end in a plain name.
    func testSplitTakesTheFolderAndNameOfAPath() {
        let cwd = FileManager.default.currentDirectoryPath
        let cases: [(String, String, String)] = [
            ("/data/out/000001.png", "/data/out", "000001.png"), ("rel/x.txt", "rel", "x.txt"),
            ("/tmp/e\u{301}t\u{E9}/n\u{303}o.png", "/tmp/e\u{301}t\u{E9}", "n\u{303}o.png"), ("a/\u{1F600}/b", "a/\u{1F600}", "b"),
            ("x.png", cwd, "x.png"), ("/x.png", "/", "x.png"), ("/data/dir/", "/data", "dir"),
        ]
        for (path, folder, name) in cases {
            let split = AtomicFileWriter.split(path)
            XCTAssertEqual(split.folder, folder, path)
            XCTAssertEqual(split.name, name, path)
        }
    }

    func testMissingFolderIsAnInputError() {
        XCTAssertThrowsError(try AtomicFileWriter(path: "/nonexistent-folder/x")) { error in
            XCTAssertEqual((error as? InputError)?.file, "/nonexistent-folder/x")
        }
    }
}
