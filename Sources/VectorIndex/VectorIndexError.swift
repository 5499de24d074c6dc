/// Errors of the vector index: bad input and unreadable index files.
public enum VectorIndexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A vector's length differs from the index's dimension.
    case dimensionMismatch(expected: Int, actual: Int)
    /// A vector holds NaN or infinity, or is all zeros under the cosine metric.
    case invalidVector(String)
    /// A construction or search parameter is out of range.
    case invalidParameter(String)
    /// Two entries of one batch have different lengths (ids versus vectors).
    case countMismatch(ids: Int, vectors: Int)
    /// The index file could not be read or written.
    case io(path: String, reason: String)
    /// The file is not a Lodestar index file (wrong magic number).
    case notAnIndexFile(path: String)
    /// The file was written by a newer format version than this build reads.
    case unsupportedVersion(found: UInt32, supported: UInt32)
    /// The file is shorter than its header says.
    case truncated(path: String)
    /// A checksum or a structural check failed.
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case let .dimensionMismatch(expected, actual):
            return "vector has dimension \(actual), the index has dimension \(expected)"
        case let .invalidVector(reason): return "invalid vector: \(reason)"
        case let .invalidParameter(reason): return "invalid parameter: \(reason)"
        case let .countMismatch(ids, vectors): return "\(ids) ids but \(vectors) vectors"
        case let .io(path, reason): return "\(path): \(reason)"
        case let .notAnIndexFile(path): return "\(path) is not a Lodestar index file"
        case let .unsupportedVersion(found, supported):
            return "index file format version \(found) is newer than this build supports (\(supported))"
        case let .truncated(path): return "index file \(path) is truncated"
        case let .corrupt(path, reason): return "index file \(path) is corrupt: \(reason)"
        }
    }
}
