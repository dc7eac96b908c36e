/// A problem with something the user gave us (a grammar, an experiment file, an image, a
/// checkpoint): where it is and what is wrong.
///
/// The CLI prints each as `error: FILE: PATH: message` and exits with status 2. `path` locates
/// the field inside the file (`root.child[1].attributes.yaw`); it is empty when the problem is
/// the file as a whole (missing, unreadable, not JSON). `line` is set when the parser knows it.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var path: String
    public var line: Int?
    public var message: String

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
    public var errors: [InputError]

    public init(_ errors: [InputError]) {
        self.errors = errors
    }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
