/// A problem with something the user gave us (a grammar, an experiment file, an image, a
/// checkpoint): where it is and what is wrong.
///
/// The CLI prints each as `error: FILE: PATH: message` and exits with status 2. `path` locates
/// the field inside the file (`root.child[1].attributes.yaw`); it is empty when the problem is
/// the file as a whole (missing, unreadable, not JSON). `line` is set when the parser knows it.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input at fault: usually a file path as the user gave it, otherwise a label for what was
    /// given (`<memory>`, `graph 3`, `canvas`) when there is no file.
    public var file: String
    /// Where inside `file` the problem is, as a dotted/indexed field path
    /// (`root.child[1].attributes.yaw`); empty when the whole file is at fault.
    public var path: String
    /// 1-based line number in `file`, when the parser reporting the error knows it; `nil` otherwise.
    public var line: Int?
    /// What is wrong, in plain words for the user (no trailing period needed; printed after `path`).
    public var message: String

    /// Makes an error located in `file`; leave `path` empty and `line` nil when the problem
    /// concerns the file as a whole.
    public init(file: String, path: String = "", line: Int? = nil, message: String) {
        self.file = file
        self.path = path
        self.line = line
        self.message = message
    }

    /// `error: FILE[:LINE]: PATH: message`, the one format every command prints.
    public var description: String {
        var where_ = file
        if let line { where_ += ":\(line)" }
        if !path.isEmpty { where_ += ": \(path)" }
        return "error: \(where_): \(message)"
    }
}

/// Several input problems found in one pass, so the user sees all of them at once.
/// Never empty when thrown.
public struct InputErrors: Error, Equatable, Sendable, CustomStringConvertible {
    /// The individual problems, in the order they were found.
    public var errors: [InputError]

    /// Wraps `errors`; callers only throw the result when `errors` is not empty (not checked here).
    public init(_ errors: [InputError]) {
        self.errors = errors
    }

    /// Each error's `description`, one per line, in order (no trailing newline).
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
