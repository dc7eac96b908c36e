extension Grammar {
    /// The classes a drawn object can have: those of reachable rules whose nodes draw something
    /// other than the background (an `asset`, or a `shape` attribute, and no `background`
    /// attribute), sorted by name. Structural rules (`Image`, `Scene`, a `Background`) are
    /// left out. This is a dataset's class map (`classes.json`): index `i` is the integer
    /// label, COCO category id `i + 1`; sorted, so it is also torchvision `ImageFolder`'s
    /// order when every class has images.
    public var objectClasses: [String] {
        var classes = Set<String>()
        for name in reachableRules {
            guard let rule = rules[name] else { continue }
            let names = Set(rule.attributes.map(\.name))
            guard !names.contains("background"), rule.asset != nil || names.contains("shape") else { continue }
            classes.formUnion(rule.className.classes)
        }
        return classes.sorted()
    }
}
