import Assets
import Scene
import Yams

/// Checks shared by both formats, run once the rules are read: recursion, asset classes;
/// then the encoding schema is derived.
enum GrammarChecks {
    /// Finishes a grammar, recording problems in `d` (nil when there are any).
    /// - `maxDepth`: nil when the file gives none; recursive grammars must give one.
    /// - `features`: the encoded attribute names in order (original format); nil: every
    ///   attribute with a range, sorted by name.
    static func finish(_ d: DocumentDiagnostics, file: String, format: GrammarFormat, canvas: Canvas, root: String,
                       rules: [String: NodeRule], maxDepth: Int?, sources: [String: any AssetSource],
                       settings: [String: AttributeValue], encodeClasses: Bool, features: [String]? = nil,
                       pathOfRule: (String) -> String, lineOfRule: (String) -> Node?) -> Grammar? {
        var grammar = Grammar(file: file, format: format, canvas: canvas, root: root, rules: rules,
                              maxDepth: maxDepth ?? 64, assetSources: sources,
                              schema: EncodingSchema(classes: [], attributes: []), settings: settings)
        let reachable = grammar.reachableRules
        if let cycle = findCycle(rules: rules, root: root), maxDepth == nil {
            let first = cycle[0]
            d.fail(pathOfRule(first), lineOfRule(first),
                   "unbounded recursion: \(cycle.joined(separator: " → ")) → \(first); set max_depth to bound it")
        }
        for name in reachable {
            guard let rule = rules[name], let asset = rule.asset, let offered = sources[asset.store]?.classes else { continue }
            let offeredSet = Set(offered)
            let wanted = asset.className.map { [$0] } ?? rule.className.classes
            for c in wanted where !offeredSet.contains(c) {
                d.fail(pathOfRule(name) + ".asset", lineOfRule(name),
                       "store '\(asset.store)' has no asset of class '\(c)' (\(describeClasses(offered)))")
            }
        }
        // Schema: classes in order of first appearance, attributes by name (or as listed).
        var classes: [String] = []
        if encodeClasses {
            var seen: Set<String> = []
            for name in reachable { for c in rules[name]!.className.classes where seen.insert(c).inserted { classes.append(c) } }
        }
        var ranges: [String: [(rule: String, range: AttributeRange)]] = [:]
        var unranged: [String: Set<String>] = [:]
        for name in reachable {
            for attribute in rules[name]!.attributes {
                if let range = attribute.range { ranges[attribute.name, default: []].append((name, range)) }
                else { unranged[attribute.name, default: []].insert(name) }
            }
        }
        var encoded: [EncodedAttribute] = []
        for attributeName in features ?? ranges.keys.sorted() {
            guard let list = ranges[attributeName], let first = list.first else { continue }
            var perRule: [String: AttributeRange] = [:]
            for entry in list.dropFirst() where entry.range != first.range { perRule[entry.rule] = entry.range }
            encoded.append(EncodedAttribute(name: attributeName, range: first.range, ruleRanges: perRule,
                                            unencodedRules: unranged[attributeName] ?? []))
        }
        grammar.schema = EncodingSchema(classes: classes, attributes: encoded)
        return d.errors.isEmpty ? grammar : nil
    }

    /// "its classes are 0, 1, …" for messages: the first 12 names, then how many in all.
    static func describeClasses(_ classes: [String]) -> String {
        if classes.isEmpty { return "it offers no classes" }
        let shown = classes.prefix(12).joined(separator: ", ")
        return classes.count <= 12 ? "its classes are \(shown)" : "its classes are \(shown), … (\(classes.count) in all)"
    }

    /// A cycle of rule names reachable from `root` (the first found, depth-first), or nil.
    static func findCycle(rules: [String: NodeRule], root: String) -> [String]? {
        var state: [String: Int] = [:]  // 1: on the stack, 2: done
        var stack: [String] = []
        func visit(_ name: String) -> [String]? {
            guard let rule = rules[name] else { return nil }
            if state[name] == 1 { return Array(stack[stack.firstIndex(of: name)!...]) }
            if state[name] == 2 { return nil }
            state[name] = 1; stack.append(name)
            for child in rule.children {
                if case .fixed(0) = child.count { continue }
                if let cycle = visit(child.rule) { return cycle }
            }
            stack.removeLast(); state[name] = 2
            return nil
        }
        return visit(root)
    }
}
