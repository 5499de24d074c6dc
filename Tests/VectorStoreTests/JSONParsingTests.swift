import Foundation
import Testing
@testable import VectorStore

@Suite struct JSONParsingTests {
    @Test func keepsTheKindOfEveryValue() throws {
        let value = try JSONValue.parse(Array(#" {"i": 1, "f": 1.0, "e": 2e3, "n": -0.5, "s": "a\"b\\\u00e9\ud83d\ude00\n", "t": true, "x": false, "z": null, "a": [1, [], {}]} "#.utf8))
        #expect(value == .object(["i": .int(1), "f": .double(1), "e": .double(2000), "n": .double(-0.5),
                                  "s": .string("a\"b\\é😀\n"), "t": .bool(true), "x": .bool(false), "z": .null,
                                  "a": .array([.int(1), .array([]), .object([:])])]))
        #expect(try JSONValue.parse(Array("9223372036854775808".utf8)) == .double(9223372036854775808))
        #expect(try JSONValue.parse(Array("\"\"".utf8)) == .string(""))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "1e", "tru", "\"abc", "\"\\x\"", "\"\\ud800\"",
                      "{} {}", "[1 2]", "\"a\u{01}\"", "1e999", String(repeating: "[", count: 200) + String(repeating: "]", count: 200), "NaN"])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func agreesWithFoundationOnRandomDocuments() throws {
        var random = TestRandom(state: 3)
        func make(_ depth: Int) -> Any {
            switch random.int(0...(depth > 3 ? 3 : 5)) {
            case 0: return random.int(-1000...1000)
            case 1: return Double(random.int(-100_000...100_000)) / 64
            case 2: return String((0..<random.int(0...8)).map { _ in "aé\"\\\n😀 z".randomElement()! })
            case 3: return random.int(0...1) == 1
            case 4: return (0..<random.int(0...4)).map { _ in make(depth + 1) }
            default: return Dictionary(uniqueKeysWithValues: (0..<random.int(0...4)).map { ("k\($0)", make(depth + 1)) })
            }
        }
        func same(_ a: JSONValue, _ b: Any) -> Bool {
            switch a {
            case let .int(i): return (b as? NSNumber)?.int64Value == i
            case let .double(d): return (b as? NSNumber)?.doubleValue == d
            case let .string(s): return b as? String == s
            case let .bool(v): return (b as? NSNumber)?.boolValue == v
            case let .array(items):
                guard let other = b as? [Any], other.count == items.count else { return false }
                return zip(items, other).allSatisfy { same($0, $1) }
            case let .object(fields):
                guard let other = b as? [String: Any], other.count == fields.count else { return false }
                return fields.allSatisfy { key, value in other[key].map { same(value, $0) } ?? false }
            case .null: return b is NSNull
            }
        }
        for _ in 0..<300 {
            let document = ["root": make(0)]
            let data = try JSONSerialization.data(withJSONObject: document)
            let parsed = try JSONValue.parse(data)
            #expect(same(parsed, try JSONSerialization.jsonObject(with: data)), "\(String(decoding: data, as: UTF8.self))")
        }
    }
}
