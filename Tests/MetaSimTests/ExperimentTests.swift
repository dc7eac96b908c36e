import Diagnostics
import Grammar
import Scene
import TestSupport
import XCTest
@testable import MetaSim

final class ExperimentTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("experiment-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("target"), withIntermediateDirectories: true)
        try "root: {}".write(to: folder.appendingPathComponent("prior.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func write(_ text: String) throws -> String {
        let url = folder.appendingPathComponent("experiment.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func errors(_ text: String) throws -> [InputError] {
        do {
            _ = try Experiment.load(path: try write(text))
            XCTFail("expected errors")
            return []
        } catch let e as InputErrors {
            return e.errors
        } catch let e as InputError {
            return [e]
        }
    }

    func testLoadsWithDefaultsAndResolvesPaths() throws {
        let e = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target, validation: target}
            matching: {epochs: 2, batch_size: 10}
            task: {sigma: 0.1}
            """))
        XCTAssertEqual(e.grammar, folder.appendingPathComponent("prior.yaml").standardizedFileURL.path)
        let targetPath = folder.appendingPathComponent("target").standardizedFileURL.path
        XCTAssertEqual(e.target, .folders(images: targetPath, validation: targetPath, test: nil))
        XCTAssertEqual(e.matching.epochs, 2)
        XCTAssertEqual(e.matching.batchSize, 10)
        XCTAssertEqual(e.matching.stepsPerEpoch, 50)
        XCTAssertEqual(e.task?.sigma, 0.1)
        XCTAssertEqual(e.features.stages, ["group3"])
        XCTAssertEqual(e.name, "experiment")
    }

    func testReadsPatchStagesSeparateBandwidthsAndMaxSamples() throws {
        let e = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target}
            features: {stages: [pooled, group5_patches], separate_bandwidths: true}
            mmd: {max_samples: 2048}
            """))
        XCTAssertEqual(e.features, FeatureSettings(stages: ["pooled", "group5_patches"], separateBandwidths: true))
        XCTAssertEqual(e.mmd.maxSamples, 2048)
        let found = try errors("""
            grammar: prior.yaml
            target: {images: target}
            features: {stages: [group5_patch], separate_bandwidths: 3}
            mmd: {max_samples: 1}
            """)
        let paths = Set(found.map(\.path))
        XCTAssertTrue(paths.isSuperset(of: ["features.stages[0]", "features.separate_bandwidths", "mmd.max_samples"]), "\(found)")
    }

    func testReadsTheStartSearchAndReportsItsProblems() throws {
        let e = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target}
            matching: {start_search: {attributes: [yaw, loc_x], points: [8, 6], refine: 3, refine_steps: 25, image_terms_only: true,
                                        mirror_term: true}}
            """))
        XCTAssertEqual(e.matching.startSearches, [StartSearchSettings(attributes: ["yaw", "loc_x"], points: [8, 6], refine: 3, refineSteps: 25,
                                                                      imageTermsOnly: true, mirrorTerm: true)])
        XCTAssertEqual(try Experiment.load(path: try write("grammar: prior.yaml\ntarget: {images: target}")).matching.startSearches, [])
        let list = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target}
            matching: {start_search: [{attributes: [yaw], points: [8]}, {attributes: [loc_x, loc_y], points: [3, 4], refine: 2, batch_size: 96},
                                      {attributes: [yaw, loc_x], points: [4, 3], span: [0.25, 1], spreads: [1, 0.5]}]}
            """))
        XCTAssertEqual(list.matching.startSearches, [StartSearchSettings(attributes: ["yaw"], points: [8]),
                                                     StartSearchSettings(attributes: ["loc_x", "loc_y"], points: [3, 4], refine: 2, batchSize: 96),
                                                     StartSearchSettings(attributes: ["yaw", "loc_x"], points: [4, 3], span: [0.25, 1], spreads: [1, 0.5])])
        for (section, path, message) in [
            ("{attributes: [yaw, loc_x], points: [8]}", "matching.start_search.points", "one count per attribute"),
            ("{attributes: [yaw], points: [1]}", "matching.start_search.points", "integer ≥ 2"),
            ("{attributes: [yaw], points: [2.5]}", "matching.start_search.points", "integer ≥ 2"),
            ("{attributes: [a, b, c], points: [64, 64, 2]}", "matching.start_search.points", "at most 4096"),
            ("{attributes: [yaw, yaw], points: [2, 2]}", "matching.start_search.attributes", "more than once"),
            ("{points: [2]}", "matching.start_search.attributes", "missing"),
            ("{attributes: [yaw], points: [2], grid: 3}", "matching.start_search.grid", "unknown"),
            ("[{attributes: [yaw], points: [2]}, {attributes: [x], points: [1]}]", "matching.start_search[1].points", "integer ≥ 2"),
            ("[{attributes: [yaw], points: [2]}, 3]", "matching.start_search[1]", "a mapping"),
            ("[]", "matching.start_search", "at least one mapping"),
            ("{attributes: [yaw], points: [2], batch_size: 1}", "matching.start_search.batch_size", "≥ 2"),
            ("{attributes: [yaw], points: [2], refine: 0}", "matching.start_search.refine", "1"),
            ("{attributes: [yaw], points: [2], refine_steps: 0}", "matching.start_search.refine_steps", "1"),
            ("{attributes: [yaw, x], points: [2, 2], span: [0.5]}", "matching.start_search.span", "one fraction per attribute"),
            ("{attributes: [yaw], points: [2], span: [0]}", "matching.start_search.span", "(0, 1]"),
            ("{attributes: [yaw], points: [2], span: [1.5]}", "matching.start_search.span", "(0, 1]"),
            ("{attributes: [x], points: [2], spreads: [0.5, 0]}", "matching.start_search.spreads", "(0, 1]"),
            ("{attributes: [x], points: [2], spreads: []}", "matching.start_search.spreads", "1 to 16"),
            ("{attributes: [a, b], points: [64, 64], spreads: [0.5, 1]}", "matching.start_search.spreads", "64 × 64 × 2 combinations"),
            ("{attributes: [yaw], points: [2], mirror_term: 1}", "matching.start_search.mirror_term", "true or false"),
            ("{attributes: [yaw], points: [2], mirror_term: true, score: task}", "matching.start_search.mirror_term", "score: mmd"),
            ("{attributes: [yaw], points: [2], image_terms_only: 2}", "matching.start_search.image_terms_only", "true or false"),
            ("{attributes: [yaw], points: [2], image_terms_only: true, score: boxes}", "matching.start_search.image_terms_only", "score: mmd"),
            ("{attributes: [yaw], points: [2], task_epochs: 2, score: boxes}", "matching.start_search.task_epochs", "score: task"),
            ("{attributes: [yaw], points: [2], mirror_term: true, score: box_shading}", "matching.start_search.mirror_term", "score: mmd"),
            ("{attributes: [yaw], points: [2], score: fid}", "matching.start_search.score", "mmd"),
            ("{attributes: [yaw], points: [2], task_epochs: 2}", "matching.start_search.task_epochs", "score: task"),
            ("{attributes: [yaw], points: [2], task_metric: ap_easy}", "matching.start_search.task_metric", "score: task"),
            ("{attributes: [yaw], points: [2], score: task, task_epochs: 0}", "matching.start_search.task_epochs", "1"),
        ] {
            let found = try errors("grammar: prior.yaml\ntarget: {images: target}\nmatching: {start_search: \(section)}")
            XCTAssertTrue(found.contains { $0.path == path && "\($0)".contains(message) }, "\(section): \(found)")
        }
    }

    /// `score: task` with its epochs and metric; it needs labelled validation images and a
    /// score the task network reports.
    func testReadsTaskScoredStartSearches() throws {
        let e = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target, validation: target}
            matching: {start_search: [{attributes: [yaw], points: [4]}, {attributes: [yaw], points: [3], score: task, task_epochs: 2, task_metric: target_soft_accuracy}]}
            """))
        var task = StartSearchSettings(attributes: ["yaw"], points: [3])
        task.score = .task
        task.taskEpochs = 2
        task.taskMetric = "target_soft_accuracy"
        XCTAssertEqual(e.matching.startSearches, [StartSearchSettings(attributes: ["yaw"], points: [4]), task])
        let boxes = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target, validation: target}
            task_network: {kind: detection, classes: [car]}
            matching: {start_search: [{attributes: [yaw], points: [3], score: boxes}, {attributes: [yaw], points: [3], score: box_shading}]}
            """))
        XCTAssertEqual(boxes.matching.startSearches.map(\.score), [.boxes, .boxShading])
        let noValidation = try errors("grammar: prior.yaml\ntarget: {images: target}\nmatching: {start_search: {attributes: [yaw], points: [2], score: task}}")
        XCTAssertTrue(noValidation.contains { $0.path == "matching.start_search.score" && "\($0)".contains("validation") }, "\(noValidation)")
        for score in ["boxes", "box_shading"] {
            let notDetection = try errors("grammar: prior.yaml\ntarget: {images: target, validation: target}\nmatching: {start_search: {attributes: [yaw], points: [2], score: \(score)}}")
            XCTAssertTrue(notDetection.contains { $0.path == "matching.start_search.score" && "\($0)".contains("detection") }, "\(notDetection)")
        }
        let unknown = try errors("""
            grammar: prior.yaml
            target: {images: target, validation: target}
            matching: {start_search: [{attributes: [yaw], points: [2]}, {attributes: [yaw], points: [2], score: task, task_metric: ap_moderate}]}
            """)
        XCTAssertTrue(unknown.contains { $0.path == "matching.start_search[1].task_metric" && "\($0)".contains("target_accuracy") }, "\(unknown)")
    }

    func testReadsIgnoredClasses() throws {
        let e = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target}
            transformer: {ignore_classes: ["0", "1"], ignore_attributes: [yaw]}
            """))
        XCTAssertEqual(e.transformer.ignoreClasses, ["0", "1"])
        XCTAssertEqual(e.transformer.ignoreAttributes, ["yaw"])
        let found = try errors("grammar: prior.yaml\ntarget: {images: target}\ntransformer: {ignore_classes: 3}")
        XCTAssertTrue(found.contains { $0.path == "transformer.ignore_classes" }, "\(found)")
    }

    func testReadsBlindSpread() throws {
        let e = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target}
            transformer: {ignore_attributes: [yaw], blind_spread: 0.125}
            """))
        XCTAssertEqual(e.transformer.blindSpread, 0.125)
        var found = try errors("grammar: prior.yaml\ntarget: {images: target}\ntransformer: {ignore_attributes: [yaw], blind_spread: 1.5}")
        XCTAssertTrue(found.contains { $0.path == "transformer.blind_spread" && "\($0)".contains("≤ 1") }, "\(found)")
        found = try errors("grammar: prior.yaml\ntarget: {images: target}\ntransformer: {blind_spread: 0.5}")
        XCTAssertTrue(found.contains { $0.path == "transformer.blind_spread" && "\($0)".contains("ignore_attributes") }, "\(found)")
    }

    func testReadsObjectiveAttributes() throws {
        let e = try Experiment.load(path: try write("""
            grammar: prior.yaml
            target: {images: target, validation: target}
            matching: {mmd_attributes: [yaw, loc_x], hold_weight: 2.5}
            task: {attributes: [scale]}
            """))
        XCTAssertEqual(e.matching.mmdAttributes, ["yaw", "loc_x"])
        XCTAssertEqual(e.matching.holdWeight, 2.5)
        XCTAssertEqual(e.task?.attributes, ["scale"])
        XCTAssertNil(try Experiment.load(path: try write("grammar: prior.yaml\ntarget: {images: target}")).matching.mmdAttributes)
        var found = try errors("grammar: prior.yaml\ntarget: {images: target}\nmatching: {mmd_attributes: []}")
        XCTAssertTrue(found.contains { $0.path == "matching.mmd_attributes" && "\($0)".contains("at least one") }, "\(found)")
        found = try errors("grammar: prior.yaml\ntarget: {images: target}\nmatching: {hold_weight: -1}")
        XCTAssertTrue(found.contains { $0.path == "matching.hold_weight" }, "\(found)")
        found = try errors("grammar: prior.yaml\ntarget: {images: target, validation: target}\ntask: {attributes: [yaw, yaw]}")
        XCTAssertTrue(found.contains { $0.path == "task.attributes" && "\($0)".contains("more than once") }, "\(found)")
    }

    func testObjectCropsNeedClassesKnownStagesAndARenderedTarget() throws {
        let found = try errors("""
            grammar: prior.yaml
            target: {images: target}
            features: {crops: {classes: [], size: 4, stages: [pooled, group9_mean]}}
            """)
        let paths = Set(found.map(\.path))
        XCTAssertTrue(paths.isSuperset(of: ["features.crops.classes", "features.crops.size", "features.crops.stages[1]"]), "\(found)")
        let folder = try errors("""
            grammar: prior.yaml
            target: {images: target}
            features: {crops: {classes: [car]}}
            """)
        XCTAssertTrue(folder.contains { $0.path == "features.crops" && $0.message.contains("object boxes") }, "\(folder)")
        for (extent, anchor, problem) in [("0", "frame", "must be > 0"), ("2.5", "centroid", "anchor: frame")] {
            let bad = try errors("""
                grammar: prior.yaml
                target: {images: target}
                features: {crops: {classes: [car], anchor: \(anchor), extent: \(extent)}}
                """)
            XCTAssertTrue(bad.contains { $0.path == "features.crops.extent" && "\($0)".contains(problem) }, "\(bad)")
        }
    }

    func testReportsEveryProblemWithItsPath() throws {
        let found = try errors("""
            grammar: missing.yaml
            target: {images: nowhere, test: target}
            features: {stages: [group3, group9]}
            matching: {batch_size: 1, learning_rate: -1, epoch: 3}
            mmd: {scales: [1, oops]}
            """)
        let byPath = Dictionary(grouping: found, by: \.path)
        XCTAssertTrue(byPath["grammar"]?.first?.message.contains("file not found") == true, "\(found)")
        XCTAssertTrue(byPath["target.images"]?.first?.message.contains("folder not found") == true, "\(found)")
        XCTAssertNotNil(byPath["features.stages[1]"], "\(found)")
        XCTAssertTrue(byPath["matching.batch_size"]?.first?.message.contains("≥ 2") == true, "\(found)")
        XCTAssertNotNil(byPath["matching.learning_rate"], "\(found)")
        XCTAssertTrue(byPath["matching.epoch"]?.first?.message.contains("unknown key") == true, "\(found)")
        XCTAssertNotNil(byPath["mmd.scales[1]"], "\(found)")
        XCTAssertEqual(found.first?.file, folder.appendingPathComponent("experiment.yaml").path)
    }

    func testTaskObjectiveNeedsValidationImages() throws {
        let found = try errors("grammar: prior.yaml\ntarget: {images: target}\ntask: {sigma: 0.1}\n")
        XCTAssertEqual(found.map(\.path), ["task"])
    }

    func testTaskEstimatorSettingsAndUnknownMetric() throws {
        let path = try write("""
            grammar: prior.yaml
            target: {render: {grammar: prior.yaml, validation: 10}}
            matching: {mmd_weight: 0}
            task: {estimator: attribute_moves, pairs: 2, fine_tune: true, metric: car_iou}
            task_network: {kind: segmentation, classes: [ground, car]}
            """)
        let e = try Experiment.load(path: path)
        XCTAssertEqual(e.task, TaskSettings(estimator: .attributeMoves, pairs: 2, fineTune: true, metric: "car_iou"))
        XCTAssertEqual(e.matching.mmdWeight, 0)
        let found = try errors("""
            grammar: prior.yaml
            target: {render: {grammar: prior.yaml, validation: 10}}
            task: {estimator: spsa, metric: tree_iou, pairs: 0}
            task_network: {kind: segmentation, classes: [ground, car]}
            """)
        XCTAssertEqual(Set(found.map(\.path)), ["task.estimator", "task.metric", "task.pairs"], "\(found)")
        XCTAssertTrue(found.contains { $0.message.contains("car_iou") }, "\(found)")
        let alone = try errors("grammar: prior.yaml\ntarget: {images: target}\nmatching: {mmd_weight: 0}\n")
        XCTAssertEqual(alone.map(\.path), ["matching.mmd_weight"], "\(alone)")
    }

    /// `learning_rate_schedule`, `crop`, `class_weights` and `horizontal_flip` are read into `training`; each is
    /// checked against the kind and the class list, the crop against the canvas.
    func testTaskTrainingOptionsAndTheirProblems() throws {
        let path = try write("""
            grammar: prior.yaml
            target: {images: target}
            task_network: {kind: segmentation, classes: [ground, car], learning_rate_schedule: cosine, crop: 64,
                           class_weights: [1, 2.5], horizontal_flip: true}
            """)
        let e = try Experiment.load(path: path)
        XCTAssertEqual(e.taskNetwork.training, TaskTrainingOptions(schedule: .cosine, crop: 64, classWeights: [1, 2.5], horizontalFlip: true))
        XCTAssertEqual(e.canvasProblems(canvas: Canvas(width: 128, height: 64)).map(\.path), [])
        XCTAssertEqual(e.canvasProblems(canvas: Canvas(width: 128, height: 60)).map(\.path), ["task_network.crop"])
        XCTAssertEqual(try Experiment.load(path: try write("grammar: prior.yaml\ntarget: {images: target}\n")).taskNetwork.training,
                       TaskTrainingOptions(), "defaults: constant rate, whole images, no weights")
        let found = try errors("""
            grammar: prior.yaml
            target: {images: target}
            task_network: {kind: segmentation, classes: [ground, car], learning_rate_schedule: step, crop: 30,
                           class_weights: [1, 2, 3]}
            """)
        XCTAssertEqual(Set(found.map(\.path)), ["task_network.learning_rate_schedule", "task_network.crop",
                                                "task_network.class_weights"], "\(found)")
        let classifier = try errors("""
            grammar: prior.yaml
            target: {images: target}
            task_network: {crop: 16, class_weights: [1, 2]}
            """)
        XCTAssertEqual(classifier.map(\.path).sorted(), ["task_network.class_weights", "task_network.crop"], "\(classifier)")
        let weights = try errors("""
            grammar: prior.yaml
            target: {images: target}
            task_network: {kind: segmentation, classes: [ground, car], class_weights: [0, 0]}
            """)
        XCTAssertEqual(weights.map(\.path), ["task_network.class_weights"], "\(weights)")
    }

    /// `task_network.repeats` is read from the file, 1 by default, refused below 1 and above
    /// `ExperimentLimits.taskRepeats` with its field path.
    func testTaskNetworkRepeats() throws {
        let base = "grammar: prior.yaml\ntarget: {images: target}\n"
        XCTAssertEqual(try Experiment.load(path: try write(base)).taskNetwork.repeats, 1)
        XCTAssertEqual(try Experiment.load(path: try write(base + "task_network: {repeats: 3}\n")).taskNetwork.repeats, 3)
        for bad in [0, ExperimentLimits.taskRepeats + 1] {
            let found = try errors(base + "task_network: {repeats: \(bad)}\n")
            XCTAssertEqual(found.map(\.path), ["task_network.repeats"], "\(bad): \(found)")
        }
    }

    /// Detection needs its classes; a folder target is fine (KITTI or COCO folders).
    func testDetectionNeedsClasses() throws {
        let found = try errors("grammar: prior.yaml\ntarget: {images: target}\ntask_network: {kind: detection}\n")
        XCTAssertEqual(found.map(\.path), ["task_network.classes"], "\(found)")
    }

    func testAerialTaskExperimentLoads() throws {
        let e = try Experiment.load(path: Repository.path("experiments/aerial-task.yaml"))
        XCTAssertEqual(e.task?.estimator, .attributeMoves)
        XCTAssertEqual(e.task?.metric, "car_soft_iou")
        XCTAssertEqual(e.task?.fineTune, true)
    }

    func testDrivingExperimentLoads() throws {
        let e = try Experiment.load(path: Repository.path("experiments/driving.yaml"))
        XCTAssertEqual(e.taskNetwork.kind, .detection)
        XCTAssertEqual(e.taskNetwork.classes, ["car"])
        XCTAssertTrue(e.taskNetwork.oracle)
        XCTAssertEqual(e.matching.startSearches.map(\.attributes), [["height", "pitch"], ["height", "pitch"], ["height", "pitch"],
                                                                    ["sun_elevation", "sun_azimuth"], ["heading", "offset"], ["sun_azimuth"]])
        XCTAssertEqual(e.matching.startSearches.map { $0.span != nil }, [false, true, true, false, false, true], "windows look again, finer")
        XCTAssertEqual(e.matching.startSearches.map(\.score), [.boxes, .boxes, .boxes, .boxShading, .mmd, .boxShading],
                       "the camera by the labelled boxes, the sun by their shading, the car pose by MMD² on crops")
        XCTAssertTrue(e.crossCheckProblems.isEmpty, "\(e.crossCheckProblems)")
        guard case .rendered(_, _, _, let validation, let test) = e.target else { return XCTFail("a rendered target") }
        XCTAssertEqual([validation, test], [200, 300])
        let grammar = try Grammar.load(path: e.grammar)
        XCTAssertNil(MetaSimTrainer.startSearchProblem(e.matching, grammar: grammar), "every searched attribute is mutable")
        let mmd = try MetaSimTrainer.mutableColumns(e.matching.mmdAttributes ?? [], path: "matching.mmd_attributes", experiment: e, grammar: grammar)
        let held = try MetaSimTrainer.holdColumns(e, grammar: grammar, mmdColumns: mmd, taskColumns: nil)
        XCTAssertEqual(Set(held.map { grammar.schema.featureNames[$0] }), ["height", "pitch", "offset", "heading", "sun_azimuth"],
                       "the hold keeps camera, car pose and sun azimuth where the searches put them")
        XCTAssertEqual(e.taskNetwork.training.schedule, .cosine)
    }

    func testMalformedFileAndMissingSections() throws {
        XCTAssertTrue(try errors("grammar: [unclosed").first?.message.contains("malformed") == true)
        let missing = try errors("seed: 3")
        XCTAssertEqual(Set(missing.map(\.path)), ["grammar", "target"])
    }

    /// A file that sets only what is required gives exactly the defaults of the code path.
    func testFileDefaultsAreTheCodeDefaults() throws {
        let path = try write("grammar: prior.yaml\ntarget: {render: {grammar: prior.yaml, validation: 10}}\ntask: {}\nrenderer: {command: [engine]}\n")
        let prior = folder.appendingPathComponent("prior.yaml").standardizedFileURL.path
        let expected = Experiment(grammar: prior, target: .rendered(grammar: prior, validation: 10), name: "experiment", file: path,
                                  task: TaskSettings(), externalRenderer: ExternalRendererSettings(command: ["engine"]))
        XCTAssertEqual(try Experiment.load(path: path), expected)
        XCTAssertEqual(expected.target, .rendered(grammar: prior, seed: 1_000_003, images: 200, validation: 10, test: 0))
        XCTAssertEqual(expected.matching, MatchingSettings(phaseSearch: 8, epochs: 5, stepsPerEpoch: 50, batchSize: 50,
                                                           learningRate: 1e-3, learningRateDecay: 1))
    }

    /// The bundled MNIST rotation experiment reads to the same value as the one built in code.
    func testMNISTRotationFileMatchesTheCodePath() throws {
        let path = repositoryRoot + "/experiments/mnist-rotation.yaml"
        var expected = Experiment(grammar: repositoryRoot + "/examples/grammars/mnist.yaml",
                                  target: .rendered(grammar: repositoryRoot + "/experiments/grammars/mnist-rot90.yaml",
                                                    seed: 1_000_003, images: 200, validation: 200, test: 2000),
                                  name: "mnist-rotation", seed: 1, file: path)
        expected.features.stages = ["group2", "group3", "group5"]
        expected.transformer.ignoreClasses = (0..<10).map(String.init)
        expected.reconstruction.threshold = 0.0005
        expected.matching.epochs = 12
        expected.matching.stepsPerEpoch = 40
        expected.matching.learningRate = 0.002
        expected.matching.learningRateDecay = 0.75
        expected.taskNetwork.trainImages = 20_000
        expected.taskNetwork.epochs = 4
        XCTAssertEqual(try Experiment.load(path: path), expected)
    }

    func testCrossChecksApplyToExperimentsBuiltInCode() throws {
        var e = Experiment(grammar: "g.yaml", target: .folders(images: "images"), task: TaskSettings())
        e.taskNetwork.kind = .segmentation
        XCTAssertEqual(e.crossCheckProblems.map(\.path), ["task", "task_network.classes"])
        XCTAssertThrowsError(try ExperimentBuilder(e).validate()) { error in
            XCTAssertEqual((error as? InputErrors)?.errors.map(\.path), ["task", "task_network.classes"])
            XCTAssertEqual((error as? InputErrors)?.errors.first?.file, "experiment")
        }
        e.taskNetwork.classes = ["ground", "car"]
        e.target = .folders(images: "images", validation: "validation")  // segmentation folders are read (images/ + masks/)
        XCTAssertTrue(e.crossCheckProblems.isEmpty)
        e.target = .rendered(grammar: "t.yaml", validation: 10)
        XCTAssertTrue(e.crossCheckProblems.isEmpty)
    }
}
