import Codecs
import Foundation

/// Turns what a training run hands its sink into TensorBoard events (`EventFileWriter`):
///
/// - metrics records: stage 1 `reconstruction/attribute_mse`, `reconstruction/class_ce` (at
///   the stage-1 step); matching `matching/mmd`, `matching/task_reward`,
///   `attribute_mean/NAME` (at the matching step); histogram records
///   (`"stage": "histograms"`) as `histogram/prior/NAME`, `histogram/learned/NAME`,
///   `histogram/target/NAME` at the epoch;
/// - grids: `grids/NAME` images, at the epoch for `epoch-NNN` grids, else 0.
public final class TensorBoardLog {
    public let writer: EventFileWriter

    /// A new event file in `directory` (see `EventFileWriter.init`).
    public init(directory: String) throws {
        writer = try EventFileWriter(directory: directory)
    }

    /// Writes the events of one metrics record (records of other stages write nothing).
    public func record(_ metrics: [String: Any]) throws {
        func number(_ key: String) -> Double? { (metrics[key] as? NSNumber)?.doubleValue }
        let step = (metrics["step"] as? NSNumber)?.intValue ?? 0
        switch metrics["stage"] as? String {
        case "reconstruction":
            for key in ["attribute_mse", "class_ce"] {
                if let v = number(key) { try writer.scalar("reconstruction/\(key)", v, step: step) }
            }
        case "matching":
            for key in ["mmd", "task_reward"] {
                if let v = number(key) { try writer.scalar("matching/\(key)", v, step: step) }
            }
            for (name, value) in (metrics["attributes"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let v = (value as? NSNumber)?.doubleValue { try writer.scalar("attribute_mean/\(name)", v, step: step) }
            }
        case "histograms":
            let epoch = (metrics["epoch"] as? NSNumber)?.intValue ?? 0
            for (set, byName) in (metrics["histograms"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
                for (name, raw) in (byName as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    if let h = AttributeHistogram(record: raw) { try writer.histogram("histogram/\(set)/\(name)", h, step: epoch) }
                }
            }
        default:
            break
        }
    }

    /// Writes a contact sheet of `images` as the image `grids/NAME`.
    public func grid(name: String, images: [Image]) throws {
        let sheet = ContactSheet.make(images)
        let step = name.hasPrefix("epoch-") ? Int(name.dropFirst(6)) ?? 0 : 0
        try writer.image("grids/\(name)", png: Array(try PNG.encode(sheet)), width: sheet.width, height: sheet.height,
                         channels: sheet.channels, step: step)
    }
}
