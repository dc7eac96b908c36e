import Assets
import Diagnostics
import Foundation
import Yams

extension Grammar {
    /// Reads and validates the grammar at `path` (YAML or JSON; MetaSim's format or the
    /// original Meta-Sim tree, told apart by content). Relative paths inside it resolve
    /// against its folder.
    ///
    /// Throws `InputError` when the file cannot be read or parsed (with the line when known),
    /// or `InputErrors` listing EVERY problem found, each with its field path
    /// (`rules.Digit.attributes.yaw`, `root.child[1].attributes.yaw`).
    ///
    /// `assetSources`: stores the caller supplies by name (any `AssetSource`, for example one
    /// offering other classes than MNIST's); a rule may name them like the built-in stores. A
    /// store the file declares under `stores:` wins over a supplied one of the same name. (The
    /// original Meta-Sim format names its one store by `asset_dir` and ignores these.)
    public static func load(path: String, assetSources: [String: any AssetSource] = [:]) throws -> Grammar {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
            throw InputError(file: path, message: exists ? (isDir.boolValue ? "is a folder, not a grammar file" : "cannot read the file")
                                                          : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, message: "not UTF-8 text")
        }
        return try parse(text: text, file: path, directory: (path as NSString).deletingLastPathComponent, assetSources: assetSources)
    }

    /// Parses grammar `text`; `file` names it in errors, `directory` anchors relative paths,
    /// `assetSources` as in `load(path:assetSources:)`.
    public static func parse(text: String, file: String, directory: String = ".",
                             assetSources: [String: any AssetSource] = [:]) throws -> Grammar {
        let top = try DocumentDiagnostics.compose(text, file: file)
        let d = DocumentDiagnostics(file: file)
        let dir = directory.isEmpty ? "." : directory
        let grammar: Grammar?
        if OriginalFormatParser.detect(top) {
            grammar = OriginalFormatParser(d: d, directory: dir).parse(top)
        } else {
            grammar = MetaSimFormatParser(d: d, directory: dir, supplied: assetSources).parse(top)
        }
        try d.throwIfAny()
        guard let grammar else { throw InputError(file: file, message: "could not read the grammar") }
        return grammar
    }

    /// A one-line description: rules, classes, encoded attributes, mutable ones.
    public var summary: String {
        let reachable = reachableRules
        let mutable = mutableAttributeNames
        let classes = Set(reachable.flatMap { rules[$0]!.className.classes })
        return "\(file): \(format.rawValue) grammar, \(reachable.count) node rules, \(classes.count) classes, "
            + "\(schema.attributes.count) encoded attributes (\(schema.attributes.map(\.name).joined(separator: ", "))), "
            + "\(mutable.count) mutable (\(mutable.joined(separator: ", "))), canvas \(canvas.width)x\(canvas.height)x\(canvas.channels)"
    }

    /// Names of the attributes some reachable rule marks mutable, sorted (empty: nothing for
    /// a learned model to change).
    public var mutableAttributeNames: [String] {
        Set(reachableRules.flatMap { rules[$0]!.attributes.filter(\.mutable).map(\.name) }).sorted()
    }
}
