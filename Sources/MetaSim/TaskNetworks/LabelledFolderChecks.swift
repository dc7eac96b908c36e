import Diagnostics

/// Checks on labelled (ImageFolder) sets before a task network is trained or scored on them.
enum LabelledFolderChecks {
    /// Throws `InputError` at `field` (the folder's option or setting) when `classes` has fewer
    /// than two names: one class makes every prediction right, so any accuracy would be
    /// meaningless.
    static func requireSeveralClasses(_ classes: [String], folder: String, field: String) throws {
        guard classes.count >= 2 else {
            throw InputError(file: folder, path: field,
                             message: "has one class (\(classes.first ?? "")): a classifier's accuracy on it is trivially 1; a labelled folder needs at least two class subfolders")
        }
    }

    /// Throws `InputError` at `field` when test classes are missing from the training classes:
    /// images of those classes can never be predicted right.
    static func requireKnownClasses(test: [String], train: [String], folder: String, field: String) throws {
        let unknown = test.filter { !train.contains($0) }
        guard unknown.isEmpty else {
            throw InputError(file: folder, path: field,
                             message: "has classes the training folder lacks (\(unknown.joined(separator: ", "))): they can never be predicted; training classes are \(train.joined(separator: ", "))")
        }
    }
}

/// Minibatches of `batchSize` in `count` items (the last may be smaller), without overflow for
/// any positive `batchSize`.
func batchCount(_ count: Int, batchSize: Int) -> Int {
    count / batchSize + (count % batchSize == 0 ? 0 : 1)
}
