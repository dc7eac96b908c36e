import Foundation
import Grammar
import Render
import Render3D
import TestSupport
import XCTest

/// The driving prior's images and ground truth, bit for bit, against a fingerprint recorded from
/// the renderer before its speed work (commit bf37139): a change of speed must not change a
/// single pixel, mask entry, depth or annotation. Update the constant only with a deliberate,
/// documented change of what the renderer draws.
final class Fingerprint3DTests: XCTestCase {
    static let recorded: UInt64 = 14_924_752_786_859_799_824

    func testDrivingPriorImagesAreUnchanged() throws {
        let grammar = try Grammar.load(path: Repository.path("experiments/grammars/driving-prior.yaml"))
        let renderer = try Renderer3D(canvas: grammar.canvas, classes: grammar.schema.classes)
        let graphs = try grammar.sample(seed: 1, range: 0..<24)
        let images = try renderer.render(graphs)
        let value = Self.fingerprint(images)
        print("driving-prior fingerprint: \(value)")
        XCTAssertEqual(value, Self.recorded)
        XCTAssertEqual(try renderer.renderPixels(graphs), images.flatMap(\.image.pixels))
    }

    /// FNV-1a (64 bit) over the bit patterns of every pixel, mask entry and depth, and the JSON of
    /// the object annotations.
    static func fingerprint(_ images: [RenderedImage]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) { h = (h ^ v) &* 0x0000_0100_0000_01b3 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for image in images {
            for p in image.image.pixels { mix(UInt64(p.bitPattern)) }
            for m in image.groundTruth.instanceMask { mix(UInt64(m)) }
            for m in image.groundTruth.semanticMask { mix(UInt64(m)) }
            for d in image.groundTruth.depth ?? [] { mix(UInt64(d.bitPattern)) }
            for byte in (try? encoder.encode(image.groundTruth.objects)) ?? Data() { mix(UInt64(byte)) }
        }
        return h
    }
}
