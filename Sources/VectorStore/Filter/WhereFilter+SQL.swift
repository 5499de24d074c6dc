import GRDB

/// A SQL boolean expression over the `records` row aliased `r`, with its arguments.
struct SQLCondition: Sendable {
    var sql: String
    var values: [DatabaseValue]

    init(sql: String, arguments: [any DatabaseValueConvertible]) {
        self.sql = sql
        values = arguments.map(\.databaseValue)
    }

    var arguments: StatementArguments { StatementArguments(values) }

    /// The parts joined with `AND` or `OR`, parenthesised as a balanced tree: `a OR b OR c ...`
    /// would parse as a chain as deep as the list is long, and SQLite refuses expression trees
    /// deeper than 1,000; balanced, a list of n parts adds only log2(n) levels.
    static func all(_ parts: [SQLCondition], joiner: String) -> SQLCondition {
        guard parts.count > 2 else {
            return SQLCondition(sql: "(" + parts.map(\.sql).joined(separator: " \(joiner) ") + ")",
                                arguments: parts.flatMap(\.values))
        }
        let middle = parts.count / 2
        return all([all(Array(parts[..<middle]), joiner: joiner), all(Array(parts[middle...]), joiner: joiner)], joiner: joiner)
    }

    init(sql: String, values: [DatabaseValue]) {
        self.sql = sql
        self.values = values
    }
}

extension WhereFilter {
    /// The filter as a condition on `r.id`, using the `record_metadata` table (one row per key).
    func sqlCondition(collectionID: Int64) -> SQLCondition {
        switch self {
        case let .and(children):
            return .all(children.map { $0.sqlCondition(collectionID: collectionID) }, joiner: "AND")
        case let .or(children):
            return .all(children.map { $0.sqlCondition(collectionID: collectionID) }, joiner: "OR")
        case let .compare(key, op, value):
            switch op {
            case .eq: return Self.subquery(collectionID, key, [value], negated: false)
            case .ne: return Self.subquery(collectionID, key, [value], negated: true)
            case .gt, .gte, .lt, .lte:
                let symbol = op == .gt ? ">" : op == .gte ? ">=" : op == .lt ? "<" : "<="
                let number = Self.number(value) ?? 0
                return SQLCondition(
                    sql: "r.id IN (SELECT record_id FROM record_metadata WHERE collection_id = ? AND key = ? AND (int_value \(symbol) ? OR float_value \(symbol) ?))",
                    arguments: [collectionID, key, number, number])
            }
        case let .membership(key, negated, values):
            return Self.subquery(collectionID, key, values, negated: negated)
        }
    }

    /// Lists longer than this are bound as one JSON array read with `json_each`, not as one
    /// parameter per value (which would hit SQLite's parameter and expression-depth limits).
    static let inlineValues = 16

    /// `r.id [NOT] IN (records whose `key` equals one of `values`)`.
    private static func subquery(_ collectionID: Int64, _ key: String, _ values: [MetadataValue], negated: Bool) -> SQLCondition {
        var tests: [String] = []
        var arguments: [any DatabaseValueConvertible] = [collectionID, key]
        if values.count > inlineValues {
            var strings: [String] = [], bools: [Int64] = [], numbers: [String] = []
            for value in values {
                switch value {
                case let .string(s): strings.append(s)
                case let .bool(b): bools.append(b ? 1 : 0)
                case let .int(i): numbers.append(String(i))
                case let .double(d): numbers.append(JSONValue.format(d))
                }
            }
            if !strings.isEmpty {
                tests.append("string_value IN (SELECT value FROM json_each(?))")
                arguments.append(Store.jsonArray(strings))
            }
            if !bools.isEmpty {
                tests.append("bool_value IN (SELECT value FROM json_each(?))")
                arguments.append(Store.jsonArray(bools))
            }
            if !numbers.isEmpty {
                let list = "[" + numbers.joined(separator: ",") + "]"
                tests.append("int_value IN (SELECT value FROM json_each(?)) OR float_value IN (SELECT value FROM json_each(?))")
                arguments.append(list)
                arguments.append(list)
            }
        } else {
            for value in values {
                switch value {
                case let .string(s):
                    tests.append("string_value = ?")
                    arguments.append(s)
                case let .bool(b):
                    tests.append("bool_value = ?")
                    arguments.append(b ? 1 : 0)
                case let .int(i):
                    tests.append("int_value = ? OR float_value = ?")
                    arguments.append(i)
                    arguments.append(Double(i))
                case let .double(d):
                    tests.append("int_value = ? OR float_value = ?")
                    arguments.append(d)
                    arguments.append(d)
                }
            }
        }
        let sql = "r.id \(negated ? "NOT IN" : "IN") (SELECT record_id FROM record_metadata WHERE collection_id = ? AND key = ? AND (\(tests.joined(separator: " OR "))))"
        return SQLCondition(sql: sql, arguments: arguments)
    }
}

extension DocumentFilter {
    /// The filter as a condition on `r.document` (case-sensitive: `instr`, not `LIKE`).
    func sqlCondition() -> SQLCondition {
        switch self {
        case let .contains(text):
            return SQLCondition(sql: "COALESCE(instr(r.document, ?) > 0, 0)", arguments: [text])
        case let .notContains(text):
            return SQLCondition(sql: "NOT COALESCE(instr(r.document, ?) > 0, 0)", arguments: [text])
        case let .and(children): return .all(children.map { $0.sqlCondition() }, joiner: "AND")
        case let .or(children): return .all(children.map { $0.sqlCondition() }, joiner: "OR")
        }
    }
}
