import Foundation
import Grammar
import Render
import Render3D
import TestSupport
import XCTest

/// The driving prior's images and ground truth, bit for bit, against a fingerprint recorded from
/// the renderer before its speed work (commit bf37139): a change of speed must not change a
/// single pixel, mask entry, depth or annotation. Update the constant only with a deliberate,
/// documented change of what the renderer draws. Changed once: the sky and ground are averaged
/// over each row instead of sampled at its centre (SceneDrawing.background; ground truth
/// unchanged, 1.1 % of the pixels — the rows at the horizon — move by more than 1e-3, at most
/// 0.118). Changed again: cars' annotations carry their frame anchor (`frameAnchor`; with the
/// anchors left out the value is the one before, 14_978_221_543_163_198_550: no pixel, mask
/// entry or depth changed).
final class Fingerprint3DTests: XCTestCase {
    static let recorded: UInt64 = 17_401_435_761_769_030_545

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

    /// `Fingerprint` of the bit patterns of every pixel, mask entry and depth, and the JSON of
    /// the object annotations.
    static func fingerprint(_ images: [RenderedImage]) -> UInt64 {
        var h = Fingerprint()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for image in images {
            h.mix(image.image.pixels)
            h.mix(image.groundTruth.instanceMask)
            h.mix(image.groundTruth.semanticMask)
            h.mix(image.groundTruth.depth ?? [])
            h.mix(bytes: (try? encoder.encode(image.groundTruth.objects)) ?? Data())
        }
        return h.value
    }
}
