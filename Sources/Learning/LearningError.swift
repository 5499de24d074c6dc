/// Errors of the learning engine. The HTTP layer maps them to status codes.
public enum LearningError: Error, Equatable, Sendable, CustomStringConvertible {
    case studentNotFound(String)
    case classNotFound(String)
    case itemNotFound(String)
    case conceptNotFound(String)
    /// A submission's answer does not fit the item's key (wrong type, no such choice).
    case invalidAnswer(String)
    /// A request argument is malformed or out of range.
    case invalidArgument(String)
    /// An import failed; nothing of it was applied. Each entry is (line number, message).
    case importFailed([ImportProblem])
    /// The store or database failed.
    case storage(String)

    public var description: String {
        switch self {
        case let .studentNotFound(id): return "student '\(id)' does not exist"
        case let .classNotFound(id): return "class '\(id)' does not exist"
        case let .itemNotFound(id): return "assessment item '\(id)' does not exist"
        case let .conceptNotFound(id): return "concept '\(id)' does not exist"
        case let .invalidAnswer(reason): return reason
        case let .invalidArgument(reason): return reason
        case let .importFailed(problems):
            return "import failed, nothing was applied: " + problems.prefix(5).map { "line \($0.line): \($0.message)" }.joined(separator: "; ")
                + (problems.count > 5 ? " (and \(problems.count - 5) more)" : "")
        case let .storage(reason): return "storage error: \(reason)"
        }
    }
}

/// One invalid line of an import.
public struct ImportProblem: Sendable, Equatable {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}
