import Codecs
import Foundation
import XCTest
@testable import Datasets

/// Reads a ustar archive back, checking each header's checksum and magic.
func readTar(_ path: String) throws -> [(name: String, contents: [UInt8])] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    XCTAssertEqual(bytes.count % 512, 0)
    var entries: [(String, [UInt8])] = []
    var offset = 0
    func octal(_ range: Range<Int>) -> Int {
        Int(String(decoding: bytes[range].prefix { $0 != 0 && $0 != 0x20 }, as: UTF8.self), radix: 8) ?? -1
    }
    while offset + 512 <= bytes.count, bytes[offset..<offset + 512].contains(where: { $0 != 0 }) {
        let header = Array(bytes[offset..<offset + 512])
        var check = header
        for i in 148..<156 { check[i] = 0x20 }
        XCTAssertEqual(octal(offset + 148..<offset + 156), check.reduce(0) { $0 + Int($1) }, "checksum")
        XCTAssertEqual(Array(header[257..<263]), Array("ustar".utf8) + [0])
        XCTAssertEqual(header[156], 0x30)
        let name = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
        let size = octal(offset + 124..<offset + 136)
        entries.append((name, Array(bytes[offset + 512..<offset + 512 + size])))
        offset += 512 + (size + 511) / 512 * 512
    }
    XCTAssertEqual(bytes.count - offset, 1024, "two zero blocks end the archive")
    return entries
}

final class WebDatasetTests: XCTestCase {
    func testTarRoundTripsEntriesOfAwkwardSizes() throws {
        let dir = try outputFolder("tar")
        let tar = try TarWriter(path: dir + "/t.tar")
        let payloads: [[UInt8]] = [[], [1], [UInt8](repeating: 9, count: 512), (0..<1300).map { UInt8($0 % 251) }]
        for (i, payload) in payloads.enumerated() { try tar.add(name: "f\(i).bin", contents: payload) }
        XCTAssertThrowsError(try tar.add(name: String(repeating: "n", count: 101), contents: [UInt8]()))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/t.tar"))
        try tar.finish()
        let entries = try readTar(dir + "/t.tar")
        XCTAssertEqual(entries.map(\.name), ["f0.bin", "f1.bin", "f2.bin", "f3.bin"])
        XCTAssertEqual(entries.map(\.contents), payloads)
    }

    func testShardsOfNSamplesWithPNGJSONAndCls() throws {
        let dir = try outputFolder("webdataset")
        let writer = try WebDatasetWriter(directory: dir, name: "train", samplesPerShard: 2)
        let samples = (0..<5).map { DatasetFixtures.scene(seed: $0) }
        for (i, sample) in samples.enumerated() {
            try writer.append(sample, graph: DatasetFixtures.graph(), label: i == 4 ? nil : "c\(i % 2)")
        }
        try writer.finish()
        XCTAssertEqual(try contents(dir), [ClassMap.fileName, DatasetManifest.fileName, "train-000000.tar", "train-000001.tar", "train-000002.tar"])
        let first = try readTar(dir + "/train-000000.tar")
        XCTAssertEqual(first.map(\.name), ["000000.png", "000000.json", "000000.cls", "000001.png", "000001.json", "000001.cls"])
        XCTAssertEqual(try PNG.decode(Data(first[3].contents), file: "x"), quantised(samples[1].image))
        // The class map starts empty: car, sign (sample 0's objects), c0, c1 in order met.
        XCTAssertEqual(ClassMap.read(from: dir), ["car", "sign", "c0", "c1"])
        XCTAssertEqual(String(decoding: first[5].contents, as: UTF8.self), "3", "c1's index in classes.json")
        let record = try JSONDecoder().decode(SampleRecord.self, from: Data(first[1].contents))
        XCTAssertNil(record.image)
        XCTAssertEqual(record.objects[0].mask?.rowMajorMask(), samples[0].groundTruth.instanceMask.map { $0 == 1 })
        let last = try readTar(dir + "/train-000002.tar")
        XCTAssertEqual(last.map(\.name), ["000004.png", "000004.json"], "no .cls without a label")
        XCTAssertThrowsError(try WebDatasetWriter(directory: dir, samplesPerShard: 0))
    }

    func testFormatFactoryMakesEachWriter() throws {
        for format in DatasetFormat.allCases {
            let dir = try outputFolder("factory-\(format.rawValue)")
            let writer = try format.makeWriter(directory: dir, classes: ["car", "sign"], samplesPerShard: 1)
            try writer.append(DatasetFixtures.scene(), graph: DatasetFixtures.graph(), label: "car")
            try writer.finish()
            XCTAssertEqual(writer.count, 1)
            let manifest = try JSONDecoder().decode(DatasetManifest.self,
                                                    from: Data(contentsOf: URL(fileURLWithPath: dir + "/" + DatasetManifest.fileName)))
            XCTAssertEqual(manifest.format, format)
            for file in manifest.files { XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + file), file) }
        }
    }
}
