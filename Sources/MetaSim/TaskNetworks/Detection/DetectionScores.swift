/// KITTI-style scores of detections on a labelled detection set: for each difficulty level
/// (`KITTIDifficulty`, height thresholds scaled to the images' height, see `DetectionCriteria`)
/// `ap_<level>` at IoU 0.7 (KITTI's car threshold) and `ap50_<level>` at IoU 0.5, each the mean
/// over the data's classes that have counted objects at that level (`kittiAveragePrecision`,
/// 40 recall points), in [0, 1]; with more than one class also `<class>_ap_<level>` and
/// `<class>_ap50_<level>`. A level with no counted object anywhere is left out.
///
/// - Parameters:
///   - detections: per image of `data`, class indices into `classes` (the network's).
///   - classes: the detector's class names; matched to `data.classes` by name (data classes it
///     does not know score 0 where they have objects).
public func detectionScores(detections: [[Detection]], on data: TaskSet, classes: [String]) -> [String: Double] {
    precondition(detections.count == data.count, "detectionScores: \(detections.count) detection lists for \(data.count) images")
    let mapped = detections.map { list in
        list.compactMap { d -> Detection? in
            guard let k = data.classes.firstIndex(of: classes[d.classIndex]) else { return nil }
            var d = d
            d.classIndex = k
            return d
        }
    }
    let imageHeight = Double(data.images.shape[2])
    var result: [String: Double] = [:]
    for level in KITTIDifficulty.allCases {
        for (prefix, iou) in [("ap", 0.7), ("ap50", 0.5)] {
            let criteria = DetectionCriteria(level, iou: iou, imageHeight: imageHeight)
            var perClass: [Double] = []
            for (k, name) in data.classes.enumerated() {
                guard let ap = kittiAveragePrecision(detections: mapped, groundTruth: data.objects, classIndex: k, criteria: criteria)
                else { continue }
                perClass.append(ap)
                if data.classes.count > 1 { result["\(name)_\(prefix)_\(level.rawValue)"] = ap }
            }
            if !perClass.isEmpty { result["\(prefix)_\(level.rawValue)"] = perClass.reduce(0, +) / Double(perClass.count) }
        }
    }
    return result
}
