import Assets
import Foundation
import Scene
import Yams

/// Reads the original Meta-Sim JSON grammar format unchanged: a tree of
/// `{"class": [...], "attributes": {...}, "num_child": ["Deterministic", N], "child": [...]}`.
///
/// Each tree node becomes one `NodeRule` named after its deterministic class (`"Object"` for a
/// random class), made unique with `#2`, `#3`...; the node of class `Background` gets the
/// attribute `background: constant` (`image` when it draws an asset). Attribute entries `[KIND, a, b, max]` get the
/// range `[0, max]`; `yaw` wraps modulo `max`; a numeric `texture` (a grey level on the format's
/// 0…max scale) is rescaled to [0, 1], the grey scale renderers read. Non-list values pass through; `"texture":
/// "Random"` also picks a random asset of the node's class from the root's `asset_dir`.
struct OriginalFormatParser {
    let d: DocumentDiagnostics
    let directory: String
    /// Names written as `[KIND, ...]` somewhere, valid or not: a broken entry is reported once,
    /// not again as an unknown name in `features`/`mutable`.
    private let listNames = NameSet()

    final class NameSet { var names: Set<String> = [] }

    static let nodeKeys = ["class", "attributes", "num_child", "child"]
    /// Root settings that are not attributes of the root node.
    static let settingKeys = ["features", "mutable", "dataset", "directed", "size", "num_samples", "asset_dir", "output_dir"]
    static let kinds = ["Deterministic", "Gaussian", "Uniform"]

    /// True when `top` looks like an original-format tree (a `class` list at the top).
    static func detect(_ top: Node) -> Bool {
        guard case .mapping(let m) = top else { return false }
        return m.contains { $0.key.string == "class" } && m.contains { $0.key.string == "attributes" || $0.key.string == "child" }
    }

    func parse(_ top: Node) -> Grammar? {
        guard let pairs = d.mapping(top, "root") else { return nil }
        let attrs = pairs.first { $0.key == "attributes" }.flatMap { d.mapping($0.value, "root.attributes") } ?? []
        let setting = { (key: String) in attrs.first { $0.key == key }?.value }
        // Canvas from size [H, W].
        var canvas: Canvas?
        if let s = setting("size") {
            if let items = d.sequence(s, "root.attributes.size", what: "a list [height, width]") {
                if items.count != 2 { d.fail("root.attributes.size", s, "expected [height, width], found \(items.count) values") }
                else if let h = d.integer(items[0], "root.attributes.size[0]"), let w = d.integer(items[1], "root.attributes.size[1]") {
                    if h < 1 || w < 1 || h > 8192 || w > 8192 { d.fail("root.attributes.size", s, "size must be in 1...8192, found [\(h), \(w)]") }
                    else { canvas = Canvas(width: w, height: h, channels: 1) }
                }
            }
        } else {
            d.fail("root.attributes.size", top, "missing size: [height, width]")
        }
        // Asset store from asset_dir.
        var assetStore: String?
        var sources: [String: MNISTSource] = [:]
        if let a = setting("asset_dir"), let dir = d.string(a, "root.attributes.asset_dir") {
            let folder = StoreLocator.resolve(dir, against: directory)
            if let source = MNISTSource.locate(directory: folder, split: "train") ?? MNISTSource.locate(directory: folder, split: "t10k") {
                sources[dir] = source
                assetStore = dir
            } else {
                d.fail("root.attributes.asset_dir", a, "missing asset files: no images/labels (or train-images-idx3-ubyte[.gz] ...) in \(folder)")
            }
        }
        var settings: [String: AttributeValue] = [:]
        for key in ["dataset", "num_samples", "output_dir"] {
            if let n = setting(key), let v = d.value(n, "root.attributes.\(key)") { settings[key] = v }
        }
        let features = setting("features").flatMap { nameList($0, "root.attributes.features") } ?? []
        let mutable = setting("mutable").flatMap { nameList($0, "root.attributes.mutable") } ?? []

        var rules: [String: NodeRule] = [:]
        var paths: [String: String] = [:]
        var nodes: [String: Node] = [:]
        var depth = 0
        let ctx = Context(assetStore: assetStore, assetDirGiven: setting("asset_dir") != nil, mutable: Set(mutable))
        let rootName = parseNode(top, "root", depth: 0, ctx, &rules, &paths, &nodes, &depth)

        // features / mutable name attributes some node has (or "class").
        let distributed = listNames.names
        if let f = setting("features") {
            for (i, name) in features.enumerated() where name != "class" && !distributed.contains(name) {
                d.fail("root.attributes.features[\(i)]", f, "unknown attribute '\(name)' (no node has it as [KIND, a, b, max])")
            }
        }
        if let m = setting("mutable") {
            for (i, name) in mutable.enumerated() {
                if name == "class" { d.fail("root.attributes.mutable[\(i)]", m, "the class cannot be mutable") }
                else if !distributed.contains(name) { d.fail("root.attributes.mutable[\(i)]", m, "unknown attribute '\(name)' (no node has it as [KIND, a, b, max])") }
                else if !features.contains(name) { d.fail("root.attributes.mutable[\(i)]", m, "mutable attribute '\(name)' is not in features") }
            }
        }
        guard let canvas, let rootName, d.errors.isEmpty else { return nil }
        return GrammarChecks.finish(d, file: d.file, format: .original, canvas: canvas, root: rootName, rules: rules,
                                    maxDepth: depth, sources: sources, settings: settings,
                                    encodeClasses: features.contains("class"), features: features.filter { $0 != "class" },
                                    pathOfRule: { paths[$0] ?? $0 }, lineOfRule: { nodes[$0] })
    }

    struct Context {
        var assetStore: String?
        var assetDirGiven: Bool
        var mutable: Set<String>
    }

    /// Reads one tree node (and its subtree); returns its rule name.
    func parseNode(_ node: Node, _ path: String, depth: Int, _ ctx: Context, _ rules: inout [String: NodeRule],
                   _ paths: inout [String: String], _ nodes: inout [String: Node], _ maxDepth: inout Int) -> String? {
        maxDepth = max(maxDepth, depth)
        guard depth <= 64 else { d.fail(path, node, "tree deeper than 64 levels"); return nil }
        guard let pairs = d.mapping(node, path, what: "a node {class, attributes, num_child, child}") else { return nil }
        d.checkKeys(pairs, path, allowed: OriginalFormatParser.nodeKeys)
        let field = { (key: String) in pairs.first { $0.key == key }?.value }
        var className: ClassDistribution?
        if let c = field("class") { className = classEntry(c, path + ".class") } else { d.fail(path + ".class", node, "missing class") }
        var attributes: [AttributeRule] = []
        var asset: AssetRule?
        if let a = field("attributes"), let attrPairs = d.mapping(a, path + ".attributes") {
            var immutable = false
            if let i = attrPairs.first(where: { $0.key == "immutable" }) { immutable = d.bool(i.value, path + ".attributes.immutable") ?? false }
            for pair in attrPairs where pair.key != "immutable" && !(path == "root" && OriginalFormatParser.settingKeys.contains(pair.key)) {
                let attrPath = "\(path).attributes.\(pair.key)"
                if case .sequence = pair.value {
                    listNames.names.insert(pair.key)
                    if let rule = attributeEntry(pair.key, pair.value, attrPath, mutable: !immutable && ctx.mutable.contains(pair.key)) { attributes.append(rule) }
                } else if let v = d.value(pair.value, attrPath) {
                    attributes.append(AttributeRule(name: pair.key, distribution: .constant(v)))
                    if pair.key == "texture", v == .string("Random") {
                        if let store = ctx.assetStore { asset = AssetRule(store: store) }
                        else if !ctx.assetDirGiven { d.fail(attrPath, pair.value, "texture \"Random\" needs root.attributes.asset_dir") }
                    }
                }
            }
        }
        var childNames: [String] = []
        let childNodes = field("child").flatMap { d.sequence($0, path + ".child", what: "a list of nodes") } ?? []
        for (i, c) in childNodes.enumerated() {
            if let name = parseNode(c, "\(path).child[\(i)]", depth: depth + 1, ctx, &rules, &paths, &nodes, &maxDepth) { childNames.append(name) }
        }
        if let n = field("num_child") { numChild(n, path + ".num_child", childCount: childNodes.count) }
        else if !childNodes.isEmpty { d.fail(path + ".num_child", node, "missing num_child for \(childNodes.count) children") }
        guard let className else { return nil }
        var name: String
        if case .fixed(let c) = className { name = c } else { name = "Object" }
        // This format's convention: the node of class Background fills the canvas. Say so the
        // way every grammar does, with a `background` attribute (its asset stretched, if any).
        if case .fixed("Background") = className, !attributes.contains(where: { $0.name == "background" }) {
            attributes.append(AttributeRule(name: "background", distribution: .constant(.string(asset != nil ? "image" : "constant"))))
        }
        if rules[name] != nil { var k = 2; while rules["\(name)#\(k)"] != nil { k += 1 }; name = "\(name)#\(k)" }
        rules[name] = NodeRule(name: name, className: className, attributes: attributes, asset: asset,
                               children: childNames.map { ChildRule(rule: $0) })
        paths[name] = path
        nodes[name] = node
        return name
    }

    /// `["Deterministic", NAME]` or `["Random", [NAMES]]`.
    func classEntry(_ node: Node, _ path: String) -> ClassDistribution? {
        guard let items = d.sequence(node, path, what: "[\"Deterministic\", NAME] or [\"Random\", [NAMES]]"), items.count == 2 else {
            if case .sequence = node { d.fail(path, node, "expected [\"Deterministic\", NAME] or [\"Random\", [NAMES]]") }
            return nil
        }
        guard let kind = d.string(items[0], path + "[0]") else { return nil }
        switch kind {
        case "Deterministic":
            return d.string(items[1], path + "[1]").map(ClassDistribution.fixed)
        case "Random":
            guard let list = d.sequence(items[1], path + "[1]", what: "a list of class names"), !list.isEmpty else {
                if case .sequence = items[1] { d.fail(path + "[1]", items[1], "no classes to choose from") }
                return nil
            }
            let names = list.enumerated().compactMap { d.string($1, "\(path)[1][\($0)]") }
            guard names.count == list.count else { return nil }
            var sum = 0.0
            return .categorical(values: names, cumulative: names.map { _ in sum += 1; return sum })
        default:
            d.fail(path + "[0]", items[0], "unknown class kind '\(kind)' (expected Deterministic or Random)")
            return nil
        }
    }

    /// `[KIND, a, b, max]`.
    func attributeEntry(_ name: String, _ node: Node, _ path: String, mutable: Bool) -> AttributeRule? {
        guard let items = d.sequence(node, path) else { return nil }
        guard let first = items.first, let kind = d.string(first, path + "[0]") else {
            if items.isEmpty { d.fail(path, node, "empty attribute entry; expected [KIND, a, b, max]") }
            return nil
        }
        guard OriginalFormatParser.kinds.contains(kind) else {
            d.fail(path + "[0]", first, "unknown distribution kind '\(kind)' (expected \(OriginalFormatParser.kinds.joined(separator: ", ")))")
            return nil
        }
        guard items.count == 4 else { d.fail(path, node, "expected [\(kind), a, b, max], found \(items.count) values"); return nil }
        guard let a = d.number(items[1], path + "[1]"), let b = d.number(items[2], path + "[2]"),
              let maxValue = d.number(items[3], path + "[3]") else { return nil }
        guard maxValue > 0 else { d.fail(path + "[3]", items[3], "max (the normaliser) must be positive, found \(maxValue)"); return nil }
        // This format gives `texture` (a grey level) on its own 0…max scale (0…255 in Meta-Sim's
        // files); renderers read grey levels in [0, 1], so it is rescaled here, with its range.
        let scale = name == "texture" ? 1 / maxValue : 1
        let distribution: AttributeDistribution
        switch kind {
        case "Gaussian":
            guard b >= 0 else { d.fail(path + "[2]", items[2], "std must not be negative, found \(b)"); return nil }
            distribution = .gaussian(mean: a * scale, std: b * scale, lower: nil, upper: nil)
        case "Uniform":
            guard a <= b else { d.fail(path, node, "min \(a) is greater than max \(b)"); return nil }
            distribution = .uniform(min: a * scale, max: b * scale)
        default:
            distribution = .constant(.number(a * scale))
        }
        return AttributeRule(name: name, distribution: distribution,
                             range: AttributeRange(min: 0, max: maxValue * scale, wrap: name == "yaw"), mutable: mutable)
    }

    /// `["Deterministic", N]` with N the number of children listed.
    func numChild(_ node: Node, _ path: String, childCount: Int) {
        guard let items = d.sequence(node, path, what: "[\"Deterministic\", N]") else { return }
        guard items.count == 2, let kind = d.string(items[0], path + "[0]") else {
            d.fail(path, node, "expected [\"Deterministic\", N]")
            return
        }
        guard kind == "Deterministic" else {
            d.fail(path + "[0]", items[0], "unknown num_child kind '\(kind)' (only Deterministic: each listed child once)")
            return
        }
        if let n = d.integer(items[1], path + "[1]"), n != childCount {
            d.fail(path + "[1]", items[1], "num_child says \(n) but \(childCount) children are listed")
        }
    }

    /// A list of names.
    func nameList(_ node: Node, _ path: String) -> [String]? {
        guard let items = d.sequence(node, path, what: "a list of attribute names") else { return nil }
        return items.enumerated().compactMap { d.string($1, "\(path)[\($0)]") }
    }
}
