/// A document filter with Chroma's `where_document` semantics: `{"$contains": "text"}`,
/// `{"$not_contains": "text"}` (case-sensitive substring tests), and `$and` / `$or` over lists.
/// A record without a document never contains anything.
public indirect enum DocumentFilter: Sendable, Equatable {
    case contains(String)
    case notContains(String)
    case and([DocumentFilter])
    case or([DocumentFilter])

    /// Parses a `where_document` object (a filter beyond `limits` is an error).
    public static func parse(_ json: JSONValue, limits: FilterLimits = FilterLimits()) throws(StoreError) -> DocumentFilter {
        var budget = FilterLimits.Budget(limits)
        return try parse(json, depth: 0, budget: &budget)
    }

    private static func parse(_ json: JSONValue, depth: Int, budget: inout FilterLimits.Budget) throws(StoreError) -> DocumentFilter {
        try budget.enter(depth: depth, name: "where_document")
        try budget.term("where_document")
        guard case let .object(object) = json else {
            throw .invalidFilter("where_document must be an object, not \(json.typeName)")
        }
        guard object.count == 1, let (name, operand) = object.first else {
            throw .invalidFilter("where_document takes exactly one operator")
        }
        switch name {
        case "$contains", "$not_contains":
            guard case let .string(text) = operand else {
                throw .invalidFilter("\(name) takes a string, not \(operand.typeName)")
            }
            guard !text.isEmpty else { throw .invalidFilter("\(name) takes a non-empty string") }
            return name == "$contains" ? .contains(text) : .notContains(text)
        case "$and", "$or":
            guard case let .array(items) = operand, !items.isEmpty else {
                throw .invalidFilter("\(name) takes a non-empty list of filters")
            }
            var children: [DocumentFilter] = []
            for item in items { children.append(try parse(item, depth: depth + 1, budget: &budget)) }
            return name == "$and" ? .and(children) : .or(children)
        default:
            throw .invalidFilter("unknown where_document operator '\(name)'")
        }
    }

    /// Evaluates the filter on one document (the reference semantics of the store's SQL).
    public func matches(_ document: String?) -> Bool {
        switch self {
        case let .contains(text): return document.map { $0.contains(text) } ?? false
        case let .notContains(text): return !(document.map { $0.contains(text) } ?? false)
        case let .and(children): return children.allSatisfy { $0.matches(document) }
        case let .or(children): return children.contains { $0.matches(document) }
        }
    }
}
