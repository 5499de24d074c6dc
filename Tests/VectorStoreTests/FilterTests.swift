import Foundation
import Testing
@testable import VectorStore

@Suite struct FilterTests {
    private func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func parsesEveryOperator() throws {
        #expect(try WhereFilter.parse(json(#"{"a": "x"}"#)) == .compare(key: "a", op: .eq, value: .string("x")))
        for op in WhereFilter.ComparisonOperator.allCases {
            #expect(try WhereFilter.parse(json(#"{"n": {"\#(op.rawValue)": 3}}"#)) == .compare(key: "n", op: op, value: .int(3)))
        }
        #expect(try WhereFilter.parse(json(#"{"n": {"$in": [1, 2.5]}}"#)) == .membership(key: "n", negated: false, values: [.int(1), .double(2.5)]))
        #expect(try WhereFilter.parse(json(#"{"n": {"$nin": ["a"]}}"#)) == .membership(key: "n", negated: true, values: [.string("a")]))
        #expect(try WhereFilter.parse(json(#"{"$and": [{"a": true}, {"$or": [{"b": 1}, {"c": {"$ne": "z"}}]}]}"#))
            == .and([.compare(key: "a", op: .eq, value: .bool(true)),
                     .or([.compare(key: "b", op: .eq, value: .int(1)), .compare(key: "c", op: .ne, value: .string("z"))])]))
        #expect(try DocumentFilter.parse(json(#"{"$and": [{"$contains": "a"}, {"$not_contains": "b"}]}"#)) == .and([.contains("a"), .notContains("b")]))
    }

    @Test(arguments: [
        #"{"a": {"$regex": "x"}}"#, #"{"$not": [{"a": 1}]}"#, #"{"a": {"$gt": "text"}}"#, #"{"a": {"$in": []}}"#,
        #"{"a": {"$in": 3}}"#, #"{"$and": []}"#, #"{"$or": {"a": 1}}"#, #"{"a": [1, 2]}"#, #"{"a": null}"#, #"{}"#, #"[1]"#,
        #"{"a": {}}"#, #"{"a": {"$eq": {"b": 1}}}"#,
    ])
    func rejectsMalformedWhere(_ text: String) throws {
        #expect(throws: StoreError.self) { try WhereFilter.parse(try json(text)) }
    }

    @Test(arguments: [#"{"$contains": 3}"#, #"{"$regex": "a"}"#, #"{"$contains": "a", "$not_contains": "b"}"#, #"{"$contains": ""}"#, #"[]"#])
    func rejectsMalformedWhereDocument(_ text: String) throws {
        #expect(throws: StoreError.self) { try DocumentFilter.parse(try json(text)) }
    }

    @Test func referenceSemantics() {
        let m: Metadata = ["i": .int(3), "f": .double(2.5), "s": .string("x"), "b": .bool(true)]
        #expect(WhereFilter.compare(key: "i", op: .eq, value: .double(3)).matches(m))
        #expect(WhereFilter.compare(key: "f", op: .gt, value: .int(2)).matches(m))
        #expect(!WhereFilter.compare(key: "s", op: .gt, value: .int(2)).matches(m))
        #expect(WhereFilter.compare(key: "missing", op: .ne, value: .int(1)).matches(m))
        #expect(WhereFilter.membership(key: "missing", negated: true, values: [.int(1)]).matches(m))
        #expect(!WhereFilter.compare(key: "b", op: .eq, value: .int(1)).matches(m))
        #expect(!DocumentFilter.contains("a").matches(nil))
        #expect(DocumentFilter.notContains("a").matches(nil))
        #expect(!DocumentFilter.contains("Cat").matches("the cat"))
    }
}
