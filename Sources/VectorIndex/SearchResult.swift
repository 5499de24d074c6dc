/// One hit of a search: the external id and its distance to the query (smaller is closer).
public struct SearchResult: Sendable, Equatable, Hashable {
    public let id: UInt64
    public let distance: Float

    public init(id: UInt64, distance: Float) {
        self.id = id
        self.distance = distance
    }
}

/// Restricts a search to some ids.
public enum SearchFilter: Sendable {
    /// Only these ids may be returned.
    case allowed(Set<UInt64>)
    /// Only ids for which the predicate is true may be returned.
    case predicate(@Sendable (UInt64) -> Bool)

    @inline(__always)
    func allows(_ id: UInt64) -> Bool {
        switch self {
        case let .allowed(set): return set.contains(id)
        case let .predicate(test): return test(id)
        }
    }
}
