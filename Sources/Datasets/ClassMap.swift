import Codecs
import Foundation

/// A dataset's one class map: class names in order, where a name's position is its integer
/// label (WebDataset `.cls`, JSON Lines `label_index`) and position + 1 its COCO category id.
/// Every writer starts from the class list it is given (what objects can be:
/// `Grammar.objectClasses`, sorted, so ImageFolder's sorted folder order agrees) and appends a
/// class met later that the list lacks; `finish()` writes it as `DIR/classes.json`:
/// `{"classes": ["0", "1", …]}`.
public final class ClassMap {
    public static let fileName = "classes.json"
    public private(set) var names: [String] = []
    private var indices: [String: Int] = [:]

    /// Starts from `names` (duplicates after the first are ignored).
    public init(_ names: [String]) {
        for name in names { _ = index(of: name) }
    }

    /// The integer label of `name`, appending it when new.
    public func index(of name: String) -> Int {
        if let i = indices[name] { return i }
        names.append(name)
        indices[name] = names.count - 1
        return names.count - 1
    }

    /// The integer label of `name` when it is already in the map (the map is not changed).
    public func existingIndex(of name: String) -> Int? { indices[name] }

    /// Writes `DIR/classes.json` (atomically).
    public func write(to directory: String) throws {
        let data = try JSONSerialization.data(withJSONObject: ["classes": names], options: [.sortedKeys])
        try AtomicFile.write(data, to: directory + "/" + ClassMap.fileName)
    }

    /// Reads `DIR/classes.json`; nil when missing or malformed.
    public static func read(from directory: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + fileName),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["classes"] as? [String]
    }
}
