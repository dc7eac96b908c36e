import Assets
import Foundation
import Scene
import Yams

/// Reads MetaSim's own grammar format (YAML or JSON; see README.md for the full reference).
struct MetaSimFormatParser {
    let d: DocumentDiagnostics
    /// Folder of the grammar file: relative store paths resolve against it.
    let directory: String
    /// Stores the caller supplies (`Grammar.load(path:assetSources:)`); `stores:` wins.
    var supplied: [String: any AssetSource] = [:]

    static let topKeys = ["canvas", "root", "rules", "max_depth", "stores", "renderer"]

    func parse(_ top: Node) -> Grammar? {
        guard let pairs = d.mapping(top, "", what: "a mapping with canvas, root and rules") else { return nil }
        d.checkKeys(pairs, "", allowed: MetaSimFormatParser.topKeys)
        let field = { (key: String) in pairs.first { $0.key == key }?.value }
        var canvas: Canvas?
        if let c = field("canvas") { canvas = parseCanvas(c) } else { d.fail("canvas", top, "missing canvas: {width: W, height: H}") }
        var rootName: String?
        if let r = field("root") { rootName = d.string(r, "root") } else { d.fail("root", top, "missing root: the name of the root rule") }
        var maxDepth: Int?
        if let m = field("max_depth"), let v = d.integer(m, "max_depth") {
            if v < 0 || v > 64 { d.fail("max_depth", m, "max_depth must be in 0...64, found \(v)") } else { maxDepth = v }
        }
        // `renderer: 2d | 3d` (default 2d): which built-in renderer draws the graphs (kept in `settings`).
        var settings: [String: AttributeValue] = [:]
        if let n = field("renderer"), let v = d.string(n, "renderer") {
            if ["2d", "3d"].contains(v) { settings["renderer"] = .string(v) } else { d.fail("renderer", n, "renderer must be 2d or 3d, found '\(v)'") }
        }
        let declared = field("stores").map(parseStores) ?? [:]
        var rules: [String: NodeRule] = [:]
        var ruleNodes: [String: Node] = [:]
        if let r = field("rules"), let rulePairs = d.mapping(r, "rules", what: "a mapping of rule names to rules") {
            if rulePairs.isEmpty { d.fail("rules", r, "no rules") }
            if rulePairs.count > Grammar.maxRules {
                d.fail("rules", r, "\(rulePairs.count) rules, more than the limit of \(Grammar.maxRules)")
                return nil
            }
            for pair in rulePairs {
                ruleNodes[pair.key] = pair.value
                if let rule = parseRule(name: pair.key, pair.value, "rules.\(pair.key)") { rules[pair.key] = rule }
            }
        } else if field("rules") == nil {
            d.fail("rules", top, "missing rules: a mapping of rule names to rules")
        }
        if let rootName, ruleNodes[rootName] == nil, !ruleNodes.isEmpty {
            d.fail("root", field("root"), "unknown rule '\(rootName)' (rules: \(ruleNodes.keys.sorted().joined(separator: ", ")))")
        }
        // Child references and asset stores.
        var stores: [String: any AssetSource] = declared
        for (name, rule) in rules {
            for (i, child) in rule.children.enumerated() where ruleNodes[child.rule] == nil {
                d.fail("rules.\(name).children[\(i)]", ruleNodes[name], "unknown rule '\(child.rule)'")
            }
            if let asset = rule.asset, stores[asset.store] == nil {
                let path = "rules.\(name).asset.store"
                if let given = supplied[asset.store] {
                    stores[asset.store] = given
                } else if let found = StoreLocator.builtin(asset.store, grammarDirectory: directory) {
                    stores[asset.store] = found
                } else if StoreLocator.builtinNames.contains(asset.store) {
                    d.fail(path, ruleNodes[name], "asset store '\(asset.store)': MNIST files not found (looked for data/mnist beside or above the grammar, the working folder and the executable, and in $METASIM_MNIST_DIR)")
                } else {
                    d.fail(path, ruleNodes[name], "unknown asset store '\(asset.store)' (declare it under stores, or use \((StoreLocator.builtinNames + supplied.keys.sorted()).joined(separator: " or ")))")
                }
            }
        }
        guard let canvas, let rootName, !rules.isEmpty, d.errors.isEmpty else { return nil }
        return GrammarChecks.finish(d, file: d.file, format: .metasim, canvas: canvas, root: rootName, rules: rules,
                                    maxDepth: maxDepth, sources: stores, settings: settings, encodeClasses: true,
                                    pathOfRule: { "rules.\($0)" }, lineOfRule: { ruleNodes[$0] })
    }

    func parseCanvas(_ node: Node) -> Canvas? {
        guard let pairs = d.mapping(node, "canvas", what: "a mapping {width: W, height: H, channels: C}") else { return nil }
        d.checkKeys(pairs, "canvas", allowed: ["width", "height", "channels"])
        let field = { (key: String) in pairs.first { $0.key == key }?.value }
        func size(_ key: String, _ fallback: Int?, _ allowed: ClosedRange<Int>) -> Int? {
            guard let n = field(key) else {
                if fallback == nil { d.fail("canvas.\(key)", node, "missing \(key)") }
                return fallback
            }
            guard let v = d.integer(n, "canvas.\(key)") else { return nil }
            guard allowed.contains(v) else { d.fail("canvas.\(key)", n, "\(key) must be in \(allowed.lowerBound)...\(allowed.upperBound), found \(v)"); return nil }
            return v
        }
        let w = size("width", nil, 1...8192), h = size("height", nil, 1...8192), c = size("channels", 1, 1...4)
        if let c, c == 2 { d.fail("canvas.channels", field("channels"), "channels must be 1 (grey), 3 (RGB) or 4 (RGBA)") ; return nil }
        guard let w, let h, let c else { return nil }
        return Canvas(width: w, height: h, channels: c)
    }

    func parseStores(_ node: Node) -> [String: MNISTSource] {
        guard let pairs = d.mapping(node, "stores", what: "a mapping of store names to {mnist: FOLDER, split: train|test}") else { return [:] }
        var out: [String: MNISTSource] = [:]
        for pair in pairs {
            let path = "stores.\(pair.key)"
            guard let fields = d.mapping(pair.value, path) else { continue }
            d.checkKeys(fields, path, allowed: ["mnist", "split"])
            guard let dirNode = fields.first(where: { $0.key == "mnist" })?.value else { d.fail(path, pair.value, "missing mnist: FOLDER"); continue }
            guard let dir = d.string(dirNode, path + ".mnist") else { continue }
            var split = "train"
            if let s = fields.first(where: { $0.key == "split" })?.value, let v = d.string(s, path + ".split") {
                guard ["train", "test", "t10k"].contains(v) else { d.fail(path + ".split", s, "split must be train or test, found '\(v)'"); continue }
                split = v
            }
            let folder = StoreLocator.resolve(dir, against: directory)
            guard let source = MNISTSource.locate(directory: folder, split: split) else {
                d.fail(path + ".mnist", dirNode, "no MNIST \(split) files (images/labels or \(split == "train" ? "train" : "t10k")-images-idx3-ubyte[.gz] ...) in \(folder)")
                continue
            }
            out[pair.key] = source
        }
        return out
    }

    /// A rule; parts that fail are left out (their problems recorded) so that later checks
    /// (child references, stores) still see the rest.
    func parseRule(name: String, _ node: Node, _ path: String) -> NodeRule? {
        if case .mapping(let m) = node, m.count == 0 { return NodeRule(name: name, className: .fixed(name)) }
        if DocumentDiagnostics.isNull(node) { return NodeRule(name: name, className: .fixed(name)) }
        guard let pairs = d.mapping(node, path, what: "a rule mapping {class, attributes, asset, children}") else { return nil }
        d.checkKeys(pairs, path, allowed: ["class", "attributes", "asset", "children"])
        let field = { (key: String) in pairs.first { $0.key == key }?.value }
        var className = ClassDistribution.fixed(name)
        if let c = field("class") { if let v = d.classDistribution(c, path + ".class") { className = v } }
        var attributes: [AttributeRule] = []
        if let a = field("attributes"), let attrPairs = d.mapping(a, path + ".attributes") {
            for pair in attrPairs {
                if let rule = d.attributeRule(name: pair.key, pair.value, "\(path).attributes.\(pair.key)") { attributes.append(rule) }
            }
        }
        var asset: AssetRule?
        if let a = field("asset") { asset = parseAsset(a, path + ".asset") }
        var children: [ChildRule] = []
        if let c = field("children"), let items = d.sequence(c, path + ".children", what: "a list of rule names or {rule: NAME, count: N}") {
            for (i, item) in items.enumerated() {
                if let child = parseChild(item, "\(path).children[\(i)]") { children.append(child) }
            }
        }
        return NodeRule(name: name, className: className, attributes: attributes, asset: asset, children: children)
    }

    func parseAsset(_ node: Node, _ path: String) -> AssetRule? {
        guard let pairs = d.mapping(node, path, what: "a mapping {store: NAME, class: self}") else { return nil }
        d.checkKeys(pairs, path, allowed: ["store", "class"])
        guard let storeNode = pairs.first(where: { $0.key == "store" })?.value else { d.fail(path, node, "missing store: NAME"); return nil }
        guard let store = d.string(storeNode, path + ".store") else { return nil }
        var className: String?
        if let c = pairs.first(where: { $0.key == "class" })?.value {
            guard let v = d.string(c, path + ".class") else { return nil }
            className = v == "self" ? nil : v
        }
        return AssetRule(store: store, className: className)
    }

    func parseChild(_ node: Node, _ path: String) -> ChildRule? {
        if case .scalar = node { return d.string(node, path).map { ChildRule(rule: $0) } }
        guard let pairs = d.mapping(node, path, what: "a rule name or {rule: NAME, count: N}") else { return nil }
        d.checkKeys(pairs, path, allowed: ["rule", "count"])
        guard let ruleNode = pairs.first(where: { $0.key == "rule" })?.value else { d.fail(path, node, "missing rule: NAME"); return nil }
        guard let rule = d.string(ruleNode, path + ".rule") else { return nil }
        var count = CountDistribution.fixed(1)
        if let c = pairs.first(where: { $0.key == "count" })?.value {
            guard let v = d.countDistribution(c, path + ".count") else { return nil }
            count = v
        }
        return ChildRule(rule: rule, count: count)
    }
}

/// Finds the files of asset stores.
enum StoreLocator {
    /// Store names that need no declaration: MNIST train and test digits.
    static let builtinNames = ["mnist-train", "mnist-test"]

    /// `path` made absolute against `directory` (absolute paths unchanged).
    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return path }
        return ((directory as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// The MNIST files of a built-in store, looked for in `$METASIM_MNIST_DIR`, then in
    /// `data/mnist` beside the grammar or any folder above it, the working folder or the
    /// executable (`BundledData.candidateFolders`).
    static func builtin(_ name: String, grammarDirectory: String) -> MNISTSource? {
        guard builtinNames.contains(name) else { return nil }
        let split = name == "mnist-train" ? "train" : "t10k"
        let folders = BundledData.candidateFolders("mnist", near: grammarDirectory, environment: "METASIM_MNIST_DIR")
        for folder in folders {
            // Only the standard names: a bare images/labels pair does not say which split it is.
            for (images, labels) in MNISTSource.candidateNames(split: split).dropFirst(2) {
                let i = (folder as NSString).appendingPathComponent(images), l = (folder as NSString).appendingPathComponent(labels)
                if FileManager.default.fileExists(atPath: i) && FileManager.default.fileExists(atPath: l) {
                    return MNISTSource(imagesPath: i, labelsPath: l)
                }
            }
        }
        return nil
    }
}
