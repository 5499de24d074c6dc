/// Bounds on the size of a `where` or `where_document` filter, checked while it is parsed: a larger
/// filter is an `invalidFilter` error (HTTP 400) before any SQL runs. Within them, the SQL a filter
/// compiles to stays inside SQLite's limits (lists are bound as JSON arrays, `$and`/`$or` as
/// balanced trees).
public struct FilterLimits: Sendable, Equatable {
    /// Most conditions (one per key and operator, one per `where_document` operator).
    public var maxTerms: Int
    /// Deepest nesting of `$and` / `$or`.
    public var maxDepth: Int
    /// Most values in all `$in` / `$nin` lists together.
    public var maxValues: Int

    public init(maxTerms: Int = 1_000, maxDepth: Int = 32, maxValues: Int = 100_000) {
        self.maxTerms = maxTerms
        self.maxDepth = maxDepth
        self.maxValues = maxValues
    }

    /// What a filter being parsed has used of the limits.
    struct Budget {
        let limits: FilterLimits
        var terms = 0
        var values = 0

        init(_ limits: FilterLimits) { self.limits = limits }

        func enter(depth: Int, name: String) throws(StoreError) {
            guard depth <= limits.maxDepth else {
                throw .invalidFilter("\(name) is nested deeper than \(limits.maxDepth) levels")
            }
        }

        mutating func term(_ name: String) throws(StoreError) {
            terms += 1
            guard terms <= limits.maxTerms else { throw .invalidFilter("\(name) has more than \(limits.maxTerms) conditions") }
        }

        mutating func values(_ count: Int, name: String) throws(StoreError) {
            values += count
            guard values <= limits.maxValues else {
                throw .invalidFilter("\(name) lists more than \(limits.maxValues) values in $in/$nin")
            }
        }
    }
}
