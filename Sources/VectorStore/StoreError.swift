/// Errors of the vector store. The HTTP layer maps them to status codes.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No collection has this name.
    case collectionNotFound(String)
    /// A collection with this name exists already.
    case collectionExists(String)
    /// A request argument is malformed or inconsistent (counts, types, names, ranges).
    case invalidArgument(String)
    /// A `where` or `where_document` filter is malformed or uses an unknown operator.
    case invalidFilter(String)
    /// An embedding's length differs from the collection's dimension.
    case dimensionMismatch(expected: Int, actual: Int)
    /// One request names the same id more than once.
    case duplicateIDs([String])
    /// Documents must be embedded but no embedding model is available for this collection.
    case embeddingUnavailable(String)
    /// The database or an index file failed.
    case storage(String)

    public var description: String {
        switch self {
        case let .collectionNotFound(name): return "collection '\(name)' does not exist"
        case let .collectionExists(name): return "collection '\(name)' already exists"
        case let .invalidArgument(reason): return reason
        case let .invalidFilter(reason): return "invalid filter: \(reason)"
        case let .dimensionMismatch(expected, actual):
            return "embedding has dimension \(actual), the collection has dimension \(expected)"
        case let .duplicateIDs(ids):
            return "ids must be unique within a request; repeated: \(ids.prefix(10).joined(separator: ", "))"
        case let .embeddingUnavailable(reason): return reason
        case let .storage(reason): return "storage error: \(reason)"
        }
    }
}
