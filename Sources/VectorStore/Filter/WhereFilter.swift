/// A metadata filter with Chroma's `where` semantics: `{"key": value}` (equality),
/// `{"key": {"$op": operand}}` with `$eq $ne $gt $gte $lt $lte $in $nin`, and `$and` / `$or` over
/// lists of filters. Several keys in one object are joined with `$and`.
///
/// `$ne` and `$nin` also match records that lack the key (as in Chroma). Ordering operators take
/// numbers only and compare integers and floats by value.
public indirect enum WhereFilter: Sendable, Equatable {
    case and([WhereFilter])
    case or([WhereFilter])
    case compare(key: String, op: ComparisonOperator, value: MetadataValue)
    case membership(key: String, negated: Bool, values: [MetadataValue])

    /// Comparison operators of a `where` filter.
    public enum ComparisonOperator: String, Sendable, CaseIterable {
        case eq = "$eq", ne = "$ne", gt = "$gt", gte = "$gte", lt = "$lt", lte = "$lte"
    }

    /// Parses a `where` object. Unknown operators, wrong operand types, empty lists and filters
    /// beyond `limits` are errors.
    public static func parse(_ json: JSONValue, limits: FilterLimits = FilterLimits()) throws(StoreError) -> WhereFilter {
        var budget = FilterLimits.Budget(limits)
        return try parse(json, depth: 0, budget: &budget)
    }

    private static func parse(_ json: JSONValue, depth: Int, budget: inout FilterLimits.Budget) throws(StoreError) -> WhereFilter {
        try budget.enter(depth: depth, name: "where")
        guard case let .object(object) = json else {
            throw .invalidFilter("where must be an object, not \(json.typeName)")
        }
        guard !object.isEmpty else { throw .invalidFilter("where must not be an empty object") }
        var parts: [WhereFilter] = []
        for key in object.keys.sorted() {
            let value = object[key] ?? .null
            switch key {
            case "$and", "$or":
                guard case let .array(items) = value, !items.isEmpty else {
                    throw .invalidFilter("\(key) takes a non-empty list of filters")
                }
                var children: [WhereFilter] = []
                for item in items { children.append(try parse(item, depth: depth + 1, budget: &budget)) }
                parts.append(key == "$and" ? .and(children) : .or(children))
            default:
                guard !key.hasPrefix("$") else { throw .invalidFilter("unknown operator '\(key)'") }
                parts.append(try parseField(key, value, budget: &budget))
            }
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private static func parseField(_ key: String, _ value: JSONValue, budget: inout FilterLimits.Budget) throws(StoreError) -> WhereFilter {
        try budget.term("where")
        guard case let .object(operators) = value else {
            return .compare(key: key, op: .eq, value: try operand(value, key: key, op: "$eq"))
        }
        guard !operators.isEmpty else { throw .invalidFilter("'\(key)': empty operator object") }
        var parts: [WhereFilter] = []
        for name in operators.keys.sorted() {
            let operandJSON = operators[name] ?? .null
            if let op = ComparisonOperator(rawValue: name) {
                let value = try operand(operandJSON, key: key, op: name)
                if op != .eq && op != .ne {
                    switch value {
                    case .int, .double: break
                    default: throw .invalidFilter("'\(key)': \(name) takes a number, not \(operandJSON.typeName)")
                    }
                }
                parts.append(.compare(key: key, op: op, value: value))
            } else if name == "$in" || name == "$nin" {
                guard case let .array(items) = operandJSON, !items.isEmpty else {
                    throw .invalidFilter("'\(key)': \(name) takes a non-empty list")
                }
                try budget.values(items.count, name: "where")
                var values: [MetadataValue] = []
                for item in items { values.append(try operand(item, key: key, op: name)) }
                parts.append(.membership(key: key, negated: name == "$nin", values: values))
            } else {
                throw .invalidFilter("'\(key)': unknown operator '\(name)'")
            }
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private static func operand(_ json: JSONValue, key: String, op: String) throws(StoreError) -> MetadataValue {
        switch json {
        case let .string(value): return .string(value)
        case let .int(value): return .int(value)
        case let .double(value) where value.isFinite: return .double(value)
        case let .bool(value): return .bool(value)
        default:
            throw .invalidFilter("'\(key)': \(op) takes a string, number or boolean, not \(json.typeName)")
        }
    }
}

extension WhereFilter {
    /// Evaluates the filter on one record's metadata (the reference semantics; the store runs the
    /// equivalent SQL).
    public func matches(_ metadata: Metadata?) -> Bool {
        switch self {
        case let .and(children): return children.allSatisfy { $0.matches(metadata) }
        case let .or(children): return children.contains { $0.matches(metadata) }
        case let .compare(key, op, operand):
            guard let value = metadata?[key] else { return op == .ne }
            switch op {
            case .eq: return Self.equal(value, operand)
            case .ne: return !Self.equal(value, operand)
            case .gt, .gte, .lt, .lte:
                guard let a = Self.number(value), let b = Self.number(operand) else { return false }
                switch op {
                case .gt: return a > b
                case .gte: return a >= b
                case .lt: return a < b
                default: return a <= b
                }
            }
        case let .membership(key, negated, values):
            guard let value = metadata?[key] else { return negated }
            let found = values.contains { Self.equal(value, $0) }
            return negated ? !found : found
        }
    }

    static func number(_ value: MetadataValue) -> Double? {
        switch value {
        case let .int(v): return Double(v)
        case let .double(v): return v
        default: return nil
        }
    }

    static func equal(_ a: MetadataValue, _ b: MetadataValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        default:
            guard let x = number(a), let y = number(b) else { return false }
            return x == y
        }
    }
}
