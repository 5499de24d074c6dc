import Foundation
import Hummingbird
import VectorStore

/// A small streaming JSON writer for responses (no intermediate tree for the large arrays of
/// query results). Floats are written in their shortest round-tripping form
/// (`Float.description`); doubles, strings and `JSONValue`s go through `JSONValue`'s writer.
struct JSONOutput {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    init() { bytes.reserveCapacity(1024) }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func object(_ body: (inout JSONOutput) -> Void) {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array(_ body: (inout JSONOutput) -> Void) {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an object key; the next value written is its value (no comma before it).
    mutating func key(_ name: String) {
        separator()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    mutating func string(_ value: String) {
        separator()
        writeString(value)
    }

    mutating func null() {
        separator()
        bytes.append(contentsOf: "null".utf8)
    }

    mutating func bool(_ value: Bool) {
        separator()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func int<I: BinaryInteger>(_ value: I) {
        separator()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func float(_ value: Float) {
        separator()
        guard value.isFinite else { bytes.append(contentsOf: "null".utf8); return }
        bytes.append(contentsOf: value.description.utf8)
    }

    mutating func double(_ value: Double) {
        separator()
        bytes.append(contentsOf: JSONValue.format(value).utf8)
    }

    mutating func floats(_ values: [Float]) {
        array { a in for value in values { a.float(value) } }
    }

    mutating func strings(_ values: [String]) {
        array { a in for value in values { a.string(value) } }
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field<I: BinaryInteger>(_ name: String, _ value: I) {
        key(name)
        int(value)
    }

    mutating func metadata(_ value: Metadata?) {
        guard let value else { null(); return }
        object { o in
            for key in value.keys.sorted() {
                o.key(key)
                switch value[key] {
                case let .string(s)?: o.string(s)
                case let .int(i)?: o.int(i)
                case let .double(d)?: o.double(d)
                case let .bool(b)?: o.bool(b)
                case nil: o.null()
                }
            }
        }
    }

    mutating func json(_ value: JSONValue) {
        separator()
        value.write(into: &bytes)
    }

    private mutating func writeString(_ value: String) {
        JSONValue.writeString(value, into: &bytes)
    }

    /// The written JSON as a response.
    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
