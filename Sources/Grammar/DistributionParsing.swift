import Scene
import Yams

/// Reading distributions (attributes, classes, counts) of MetaSim's own format.
/// Every problem is recorded in the diagnostics; nil means "not usable".
extension DocumentDiagnostics {
    static let attributeKinds = ["constant", "uniform", "gaussian", "int_uniform", "categorical"]
    static let attributeOptions = ["range", "wrap", "mutable", "weights"]
    static let countKinds = ["uniform_int", "poisson", "categorical"]

    /// An attribute: a bare scalar (constant, passed through) or a mapping with one kind key.
    func attributeRule(name: String, _ node: Node, _ path: String) -> AttributeRule? {
        if case .scalar = node {
            return value(node, path).map { AttributeRule(name: name, distribution: .constant($0)) }
        }
        guard let pairs = mapping(node, path, what: "a value or a mapping like {uniform: [0, 1], range: [0, 1]}") else { return nil }
        checkKeys(pairs, path, allowed: DocumentDiagnostics.attributeKinds + DocumentDiagnostics.attributeOptions)
        let kinds = pairs.filter { DocumentDiagnostics.attributeKinds.contains($0.key) }
        guard kinds.count == 1, let kind = kinds.first else {
            fail(path, node, kinds.isEmpty
                 ? "missing distribution: give one of \(DocumentDiagnostics.attributeKinds.joined(separator: ", "))"
                 : "several distributions (\(kinds.map(\.key).joined(separator: ", "))): give exactly one")
            return nil
        }
        let field = { (key: String) in pairs.first { $0.key == key }?.value }
        let kindPath = join(path, kind.key)
        var distribution: AttributeDistribution?
        var numeric = true
        switch kind.key {
        case "constant":
            if let v = value(kind.value, kindPath) {
                distribution = .constant(v)
                if case .number = v {} else { numeric = false }
            }
        case "uniform":
            if let (lo, hi) = interval(kind.value, kindPath) { distribution = .uniform(min: lo, max: hi) }
        case "int_uniform":
            if let (lo, hi) = interval(kind.value, kindPath) {
                if lo != lo.rounded() || hi != hi.rounded() || abs(lo) > 1e15 || abs(hi) > 1e15 {
                    fail(kindPath, kind.value, "int_uniform bounds must be whole numbers within ±1e15")
                }
                else { distribution = .integerUniform(min: Int(lo), max: Int(hi)) }
            }
        case "gaussian":
            distribution = gaussian(kind.value, kindPath)
        default:  // categorical
            if let (values, cumulative) = categorical(kind.value, kindPath, weights: field("weights"), weightsPath: join(path, "weights")) {
                distribution = .categorical(values: values, cumulative: cumulative)
                numeric = values.allSatisfy { if case .number = $0 { return true } else { return false } }
            }
        }
        if kind.key != "categorical", let w = field("weights") {
            fail(join(path, "weights"), w, "weights only apply to categorical")
        }
        var range: AttributeRange?
        var wrap = false, isMutable = false
        if let w = field("wrap") { wrap = bool(w, join(path, "wrap")) ?? false }
        if let m = field("mutable") { isMutable = bool(m, join(path, "mutable")) ?? false }
        if let r = field("range") {
            if !numeric {
                fail(join(path, "range"), r, "a range needs numeric values, but this attribute can be non-numeric")
            } else if let (lo, hi) = interval(r, join(path, "range")) {
                if lo == hi { fail(join(path, "range"), r, "range is empty: min equals max (\(lo))") }
                else { range = AttributeRange(min: lo, max: hi, wrap: wrap) }
            }
        } else {
            if isMutable, let m = field("mutable") { fail(join(path, "mutable"), m, "a mutable attribute needs a range (range: [min, max])") }
            if wrap, let w = field("wrap") { fail(join(path, "wrap"), w, "wrap needs a range (range: [min, max])") }
        }
        guard let distribution else { return nil }
        return AttributeRule(name: name, distribution: distribution, range: range, mutable: isMutable && range != nil)
    }

    /// `[min, max]` with min ≤ max.
    func interval(_ node: Node, _ path: String) -> (Double, Double)? {
        guard let items = sequence(node, path, what: "a list [min, max]") else { return nil }
        guard items.count == 2 else { fail(path, node, "expected [min, max], found \(items.count) values"); return nil }
        guard let lo = number(items[0], path + "[0]"), let hi = number(items[1], path + "[1]") else { return nil }
        guard lo <= hi else { fail(path, node, "min \(lo) is greater than max \(hi)"); return nil }
        return (lo, hi)
    }

    /// `{mean: M, std: S}` with optional truncation `min`/`max` (both or neither).
    func gaussian(_ node: Node, _ path: String) -> AttributeDistribution? {
        guard let pairs = mapping(node, path, what: "a mapping {mean: M, std: S}") else { return nil }
        checkKeys(pairs, path, allowed: ["mean", "std", "min", "max"])
        let field = { (key: String) in pairs.first { $0.key == key }?.value }
        guard let meanNode = field("mean"), let stdNode = field("std") else {
            fail(path, node, "gaussian needs both mean and std")
            return nil
        }
        guard let mean = number(meanNode, join(path, "mean")), let std = number(stdNode, join(path, "std")) else { return nil }
        if std < 0 { fail(join(path, "std"), stdNode, "std must not be negative, found \(std)"); return nil }
        var lower: Double?, upper: Double?
        if let n = field("min") { guard let v = number(n, join(path, "min")) else { return nil }; lower = v }
        if let n = field("max") { guard let v = number(n, join(path, "max")) else { return nil }; upper = v }
        if (lower == nil) != (upper == nil) { fail(path, node, "truncation needs both min and max"); return nil }
        if let lower, let upper, lower > upper { fail(path, node, "min \(lower) is greater than max \(upper)"); return nil }
        return .gaussian(mean: mean, std: std, lower: lower, upper: upper)
    }

    /// A non-empty list of scalars with optional weights (same count, ≥ 0, positive sum).
    func categorical(_ node: Node, _ path: String, weights: Node?, weightsPath: String) -> ([AttributeValue], [Double])? {
        guard let items = sequence(node, path, what: "a list of values") else { return nil }
        guard !items.isEmpty else { fail(path, node, "categorical needs at least one value"); return nil }
        let values = items.enumerated().compactMap { value($1, "\(path)[\($0)]") }
        guard values.count == items.count else { return nil }
        guard let cumulative = cumulativeWeights(weights, weightsPath, count: values.count) else { return nil }
        return (values, cumulative)
    }

    /// Running sums of the weights (all 1 when `node` is nil).
    func cumulativeWeights(_ node: Node?, _ path: String, count: Int) -> [Double]? {
        var weights = [Double](repeating: 1, count: count)
        if let node {
            guard let items = sequence(node, path, what: "a list of weights") else { return nil }
            guard items.count == count else { fail(path, node, "\(items.count) weights for \(count) values"); return nil }
            for (i, item) in items.enumerated() {
                guard let w = number(item, "\(path)[\(i)]") else { return nil }
                guard w >= 0 else { fail("\(path)[\(i)]", item, "weights must not be negative, found \(w)"); return nil }
                weights[i] = w
            }
            guard weights.reduce(0, +) > 0 else { fail(path, node, "weights must not all be zero"); return nil }
        }
        var sum = 0.0
        return weights.map { sum += $0; return sum }
    }

    /// A node class: a name (fixed) or `{categorical: [names], weights: [...]}`.
    func classDistribution(_ node: Node, _ path: String) -> ClassDistribution? {
        if case .scalar = node { return string(node, path).map(ClassDistribution.fixed) }
        guard let pairs = mapping(node, path, what: "a class name or {categorical: [names]}") else { return nil }
        checkKeys(pairs, path, allowed: ["categorical", "weights"])
        guard let list = pairs.first(where: { $0.key == "categorical" })?.value else {
            fail(path, node, "missing categorical: [names]")
            return nil
        }
        let weights = pairs.first { $0.key == "weights" }?.value
        guard let (values, cumulative) = categorical(list, join(path, "categorical"), weights: weights, weightsPath: join(path, "weights")) else { return nil }
        let names = values.map { value -> String in
            switch value {
            case .string(let s): return s
            case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
            case .bool(let b): return String(b)
            }
        }
        if Set(names).count != names.count { fail(join(path, "categorical"), list, "class names repeat") }
        return .categorical(values: names, cumulative: cumulative)
    }

    /// A child count: a whole number, or `{uniform_int: [a, b]}`, `{poisson: λ, max: CAP}`,
    /// `{categorical: [counts], weights: [...]}`. Counts are never negative.
    func countDistribution(_ node: Node, _ path: String) -> CountDistribution? {
        if case .scalar = node {
            guard let n = integer(node, path) else { return nil }
            guard n >= 0 else { fail(path, node, "count must not be negative, found \(n)"); return nil }
            return .fixed(n)
        }
        guard let pairs = mapping(node, path, what: "a count or {uniform_int|poisson|categorical: ...}") else { return nil }
        checkKeys(pairs, path, allowed: DocumentDiagnostics.countKinds + ["max", "weights"])
        let field = { (key: String) in pairs.first { $0.key == key }?.value }
        let kinds = pairs.filter { DocumentDiagnostics.countKinds.contains($0.key) }
        guard kinds.count == 1, let kind = kinds.first else {
            fail(path, node, "give exactly one of \(DocumentDiagnostics.countKinds.joined(separator: ", "))")
            return nil
        }
        let kindPath = join(path, kind.key)
        switch kind.key {
        case "uniform_int":
            guard let (lo, hi) = interval(kind.value, kindPath) else { return nil }
            guard lo >= 0, lo == lo.rounded(), hi == hi.rounded(), hi <= 1e15 else { fail(kindPath, kind.value, "counts must be whole numbers ≥ 0"); return nil }
            return .integerUniform(min: Int(lo), max: Int(hi))
        case "poisson":
            guard let lambda = number(kind.value, kindPath) else { return nil }
            guard lambda >= 0, lambda <= 10_000 else { fail(kindPath, kind.value, "poisson mean must be in 0...10000, found \(lambda)"); return nil }
            guard let capNode = field("max") else { fail(path, node, "poisson needs a cap: max: N"); return nil }
            guard let cap = integer(capNode, join(path, "max")) else { return nil }
            guard cap >= 0 else { fail(join(path, "max"), capNode, "max must not be negative, found \(cap)"); return nil }
            return .poisson(lambda: lambda, cap: cap)
        default:
            guard let items = sequence(kind.value, kindPath, what: "a list of counts"), !items.isEmpty else {
                fail(kindPath, kind.value, "categorical needs at least one count")
                return nil
            }
            var counts: [Int] = []
            for (i, item) in items.enumerated() {
                guard let n = integer(item, "\(kindPath)[\(i)]") else { return nil }
                guard n >= 0 else { fail("\(kindPath)[\(i)]", item, "count must not be negative, found \(n)"); return nil }
                counts.append(n)
            }
            guard let cumulative = cumulativeWeights(field("weights"), join(path, "weights"), count: counts.count) else { return nil }
            return .categorical(values: counts, cumulative: cumulative)
        }
    }
}
