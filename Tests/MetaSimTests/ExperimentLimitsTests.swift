import Diagnostics
import Scene
import XCTest
@testable import MetaSim

/// Case r11 and neighbours: sizes and rates that pass the lower bounds but would crash or never
/// finish are refused with their field path; so is a renderer program that cannot start (r21).
extension ExperimentTests {
    func testSizesPastTheLimitsAreReportedWithTheirPaths() throws {
        let found = try errors("""
            grammar: prior.yaml
            target: {render: {grammar: prior.yaml, images: 1000000000}}
            transformer: {hidden: [100000000]}
            reconstruction: {batch_size: 100000000, learning_rate: 1e30}
            matching: {epochs: 100000, steps_per_epoch: 100000, learning_rate: .inf}
            task_network: {batch_size: 9223372036854775807, width: 100000}
            """)
        let paths = Set(found.map(\.path))
        for path in ["target.render.images", "transformer.hidden[0]", "reconstruction.batch_size", "reconstruction.learning_rate",
                     "matching", "matching.learning_rate", "task_network.batch_size", "task_network.width"] {
            XCTAssertTrue(paths.contains(path), "\(path) in \(found)")
        }
        XCTAssertTrue(found.contains { $0.message.contains("finite") }, "\(found)")
    }

    func testImageSetsThatCannotFitInMemoryAreReported() {
        var e = Experiment(grammar: "g", target: .rendered(grammar: "t", images: 900_000))
        e.taskNetwork.trainImages = 10
        let problems = e.memoryProblems(canvas: Canvas(width: 512, height: 512, channels: 3))
        XCTAssertEqual(problems.map(\.path), ["target.render.images"])
        XCTAssertTrue(e.memoryProblems(canvas: Canvas(width: 8, height: 8, channels: 1)).isEmpty)
        e.matching.startSearches = [StartSearchSettings(attributes: ["a"], points: [2]),
                                    StartSearchSettings(attributes: ["b"], points: [2], batchSize: 60_000)]
        XCTAssertEqual(e.memoryProblems(canvas: Canvas(width: 512, height: 512, channels: 3)).map(\.path),
                       ["matching.start_search[1].batch_size", "target.render.images"])
    }

    func testMissingRendererProgramIsReportedUpFront() throws {
        let experiment = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target}
            renderer: {command: [/nonexistent/renderer]}
            """))
        XCTAssertThrowsError(try ExperimentBuilder(experiment).validate(), "checked before the parts are built") { error in
            let found = (error as? InputErrors)?.errors ?? []
            XCTAssertEqual(found.map(\.path), ["renderer.command"])
            XCTAssertTrue(found.first?.message.contains("/nonexistent/renderer") == true, "\(error)")
        }
        XCTAssertNotNil(ExternalRendererSettings.programProblem(["no-such-renderer-\(UInt32.random(in: 0...UInt32.max))"]))
        XCTAssertNil(ExternalRendererSettings.programProblem(["sh", "-c", "true"]))
        XCTAssertNotNil(ExternalRendererSettings.programProblem(["/tmp"]), "a folder is not a program")
    }
}
