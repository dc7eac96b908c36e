/// KITTI's object-detection difficulty levels (devkit_object, evaluate_object.cpp: `MIN_HEIGHT`
/// = {40, 25, 25} px, `MAX_OCCLUSION` = {0, 1, 2}, `MAX_TRUNCATION` = {0.15, 0.3, 0.5}).
///
/// A ground-truth object of the evaluated class is *ignored* at a level (a detection of it is
/// neither a true nor a false positive) when its box height ≤ the minimum, its occlusion level
/// or its truncation above the maximum; an unmatched detection lower than the minimum height
/// is ignored too (the devkit's `cleanData`).
public enum KITTIDifficulty: String, Sendable, CaseIterable {
    case easy, moderate, hard

    /// Minimum box height in pixels of KITTI's 375-row images (40, 25, 25).
    public var minimumHeight: Double { [40, 25, 25][index] }
    /// Largest occlusion level counted (0, 1, 2).
    public var maximumOcclusion: Int { [0, 1, 2][index] }
    /// Largest truncation counted (0.15, 0.3, 0.5).
    public var maximumTruncation: Double { [0.15, 0.3, 0.5][index] }

    var index: Int { KITTIDifficulty.allCases.firstIndex(of: self)! }

    /// The image height KITTI's pixel thresholds refer to (its images are 1242 × 375).
    public static let kittiImageHeight = 375.0
}

/// The thresholds of one evaluation: a difficulty level with its minimum height in this image's
/// pixels, and the IoU a true positive needs.
public struct DetectionCriteria: Sendable, Equatable {
    /// Minimum box height, px.
    public var minimumHeight: Double
    /// Largest occlusion level counted.
    public var maximumOcclusion: Int
    /// Largest truncation counted.
    public var maximumTruncation: Double
    /// A detection matches a ground truth when their IoU is above this (KITTI: strictly above;
    /// 0.7 for cars).
    public var iou: Double

    /// KITTI's level with its height threshold scaled by `imageHeight / 375` (1 for KITTI-sized
    /// images: the thresholds as the devkit has them; our 128-row images: 13.7 and 8.5 px, so
    /// that a level keeps the same share of the field of view).
    public init(_ level: KITTIDifficulty, iou: Double, imageHeight: Double = KITTIDifficulty.kittiImageHeight) {
        self.init(minimumHeight: level.minimumHeight * imageHeight / KITTIDifficulty.kittiImageHeight,
                  maximumOcclusion: level.maximumOcclusion, maximumTruncation: level.maximumTruncation, iou: iou)
    }

    /// Thresholds given one by one.
    public init(minimumHeight: Double, maximumOcclusion: Int, maximumTruncation: Double, iou: Double) {
        self.minimumHeight = minimumHeight
        self.maximumOcclusion = maximumOcclusion
        self.maximumTruncation = maximumTruncation
        self.iou = iou
    }
}

/// Average precision of one class over a set of images, KITTI style.
///
/// **Ground truth** per image: objects of `classIndex` count unless the criteria ignore them
/// (height ≤ minimum, occlusion or truncation above the maximum); other classes are not
/// looked at; DontCare regions (`classIndex == nil`) only excuse detections.
///
/// **Matching** (per image, pycocotools' greedy rule): detections of the class in descending
/// score (ties: input order) each take the not-yet-taken ground truth with the highest IoU
/// above `criteria.iou`, counted ones before ignored ones. A detection matched to an ignored
/// object is ignored; an unmatched one is ignored when lower than the minimum height or when
/// more than `criteria.iou` of its area lies in one DontCare region (the devkit's rule);
/// otherwise it is a false positive.
///
/// **AP**: the 40-recall-point interpolated AP of the devkit since 2019 (Simonelli et al.,
/// "Disentangling Monocular 3D Object Detection", 2019): the mean over r = 1/40, 2/40, …, 1 of
/// the largest precision at any recall ≥ r (0 when the recall is never reached), precision and
/// recall taken after each detection in score order. The devkit itself samples precision at
/// score thresholds it picks near those recalls (`getThresholds`) and matches each ground
/// truth to its highest-scoring detection; the two agree except where detections overlap
/// several objects or the devkit's threshold pick lands between two of them.
///
/// - Parameters:
///   - detections: per image, any classes (only `classIndex` is evaluated).
///   - groundTruth: per image, same count as `detections`.
/// - Returns: AP in [0, 1]; nil when no ground-truth object counts (AP undefined).
/// - Precondition: `detections.count == groundTruth.count`.
public func kittiAveragePrecision(detections: [[Detection]], groundTruth: [[LabelledBox]], classIndex: Int,
                                  criteria: DetectionCriteria) -> Double? {
    precondition(detections.count == groundTruth.count,
                 "kittiAveragePrecision: \(detections.count) detection lists for \(groundTruth.count) images")
    var ranked: [(score: Double, truePositive: Bool)] = []
    var counted = 0
    for (dets, gts) in zip(detections, groundTruth) {
        let image = matchImage(dets.filter { $0.classIndex == classIndex }, gts, classIndex: classIndex, criteria: criteria)
        counted += image.counted
        ranked += image.ranked
    }
    guard counted > 0 else { return nil }
    return interpolatedAP(ranked: ranked, groundTruthCount: counted, recallPoints: 40)
}

/// One image's matching: the number of counted ground truths and the (score, true positive)
/// of every detection that is not ignored.
func matchImage(_ detections: [Detection], _ groundTruth: [LabelledBox], classIndex: Int,
                criteria: DetectionCriteria) -> (counted: Int, ranked: [(score: Double, truePositive: Bool)]) {
    let objects = groundTruth.filter { $0.classIndex == classIndex }
    let dontCare = groundTruth.filter { $0.classIndex == nil }
    let ignored = objects.map { o in
        o.box.height <= criteria.minimumHeight || o.occlusionLevel > criteria.maximumOcclusion
            || o.truncation > criteria.maximumTruncation
    }
    var taken = [Bool](repeating: false, count: objects.count)
    var ranked: [(score: Double, truePositive: Bool)] = []
    let order = detections.indices.sorted { detections[$0].score > detections[$1].score || (detections[$0].score == detections[$1].score && $0 < $1) }
    for d in order.map({ detections[$0] }) {
        var best: Int?
        var bestIoU = criteria.iou
        for pass in [false, true] where best == nil {          // counted objects first, then ignored ones
            for (g, o) in objects.enumerated() where ignored[g] == pass && !taken[g] {
                let iou = d.box.iou(o.box)
                if iou > bestIoU { bestIoU = iou; best = g }
            }
            if best == nil { bestIoU = criteria.iou }
        }
        if let best {
            taken[best] = true
            if !ignored[best] { ranked.append((d.score, true)) }
        } else if d.box.height < criteria.minimumHeight
                    || dontCare.contains(where: { d.box.overlapOfSelf(with: $0.box) > criteria.iou }) {
            continue
        } else {
            ranked.append((d.score, false))
        }
    }
    return (ignored.filter { !$0 }.count, ranked)
}

/// Interpolated AP of detections ranked by score (stable for ties) against `groundTruthCount`
/// objects: the mean over r = k/`recallPoints`, k = 1…`recallPoints`, of the largest precision
/// at a recall ≥ r (0 where never reached).
func interpolatedAP(ranked: [(score: Double, truePositive: Bool)], groundTruthCount: Int, recallPoints: Int) -> Double {
    let sorted = ranked.enumerated().sorted { $0.element.score > $1.element.score || ($0.element.score == $1.element.score && $0.offset < $1.offset) }
    var precision: [Double] = [], recall: [Double] = []
    var tp = 0
    for (i, r) in sorted.enumerated() {
        if r.element.truePositive { tp += 1 }
        precision.append(Double(tp) / Double(i + 1))
        recall.append(Double(tp) / Double(groundTruthCount))
    }
    for i in stride(from: precision.count - 2, through: 0, by: -1) { precision[i] = max(precision[i], precision[i + 1]) }
    var sum = 0.0
    var i = 0
    for k in 1...recallPoints {
        let r = Double(k) / Double(recallPoints)
        while i < recall.count && recall[i] < r { i += 1 }   // k/n and tp/N: equal rationals give equal Doubles
        if i < recall.count { sum += precision[i] }
    }
    return sum / Double(recallPoints)
}
