import Foundation
import Hummingbird
import VectorStore

extension Request {
    /// Reads the body (at most `limit` bytes, else 413) and parses it as a JSON object.
    mutating func jsonObject(limit: Int) async throws -> JSONObject {
        let buffer = try await collectBody(upTo: limit)
        let bytes = buffer.readableBytesView
        guard !bytes.isEmpty else { throw APIError.badRequest("request body is empty: expected a JSON object", code: "invalid_json") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes, rejectingNUL: true)
        } catch {
            throw APIError.badRequest(error.description, code: "invalid_json")
        }
        guard case let .object(fields) = value else {
            throw APIError.badRequest("request body must be a JSON object, not \(value.typeName)")
        }
        return JSONObject(fields: fields, path: "")
    }
}

extension Request {
    /// Like `jsonObject(limit:)`, but an empty body reads as `{}`.
    mutating func optionalJSONObject(limit: Int) async throws -> JSONObject {
        let buffer = try await collectBody(upTo: limit)
        guard buffer.readableBytes > 0 else { return JSONObject(fields: [:], path: "") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(buffer.readableBytesView, rejectingNUL: true)
        } catch {
            throw APIError.badRequest(error.description, code: "invalid_json")
        }
        guard case let .object(fields) = value else {
            throw APIError.badRequest("request body must be a JSON object, not \(value.typeName)")
        }
        return JSONObject(fields: fields, path: "")
    }
}

/// Typed access to a JSON object's fields, with errors that name the field (`metadatas[2].k`).
/// `null` and a missing field both read as absent.
struct JSONObject {
    let fields: [String: JSONValue]
    let path: String

    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    func optional<T>(_ key: String, _ convert: (JSONValue, String) throws -> T) throws -> T? {
        guard let value = value(key) else { return nil }
        return try convert(value, path(key))
    }

    func required<T>(_ key: String, _ convert: (JSONValue, String) throws -> T) throws -> T {
        guard let value = value(key) else { throw APIError.badRequest("'\(path(key))' is required") }
        return try convert(value, path(key))
    }
}

/// Conversions of JSON values to request field types.
enum JSONField {
    static func mismatch(_ path: String, _ expected: String, _ value: JSONValue) -> APIError {
        APIError.badRequest("'\(path)': expected \(expected), got \(value.typeName)")
    }

    static func string(_ value: JSONValue, _ path: String) throws -> String {
        guard case let .string(text) = value else { throw mismatch(path, "a string", value) }
        return text
    }

    static func int(_ value: JSONValue, _ path: String) throws -> Int {
        guard case let .int(number) = value, let result = Int(exactly: number) else { throw mismatch(path, "an integer", value) }
        return result
    }

    static func bool(_ value: JSONValue, _ path: String) throws -> Bool {
        guard case let .bool(flag) = value else { throw mismatch(path, "a boolean", value) }
        return flag
    }

    static func double(_ value: JSONValue, _ path: String) throws -> Double {
        switch value {
        case let .int(number): return Double(number)
        case let .double(number): return number
        default: throw mismatch(path, "a number", value)
        }
    }

    static func float(_ value: JSONValue, _ path: String) throws -> Float {
        switch value {
        case let .int(number): return Float(number)
        case let .double(number):
            let result = Float(number)
            guard result.isFinite else { throw APIError.badRequest("'\(path)': \(number) is out of the float32 range") }
            return result
        default: throw mismatch(path, "a number", value)
        }
    }

    static func array<T>(_ element: @escaping (JSONValue, String) throws -> T) -> (JSONValue, String) throws -> [T] {
        { value, path in
            guard case let .array(items) = value else { throw mismatch(path, "an array", value) }
            var result: [T] = []
            result.reserveCapacity(items.count)
            for (index, item) in items.enumerated() { result.append(try element(item, "\(path)[\(index)]")) }
            return result
        }
    }

    /// An array whose elements may be `null`.
    static func arrayOfOptionals<T>(_ element: @escaping (JSONValue, String) throws -> T) -> (JSONValue, String) throws -> [T?] {
        { value, path in
            guard case let .array(items) = value else { throw mismatch(path, "an array", value) }
            var result: [T?] = []
            result.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                result.append(item == .null ? nil : try element(item, "\(path)[\(index)]"))
            }
            return result
        }
    }

    static func vector(_ value: JSONValue, _ path: String) throws -> [Float] {
        try array(float)(value, path)
    }

    static func object(_ value: JSONValue, _ path: String) throws -> JSONObject {
        guard case let .object(fields) = value else { throw mismatch(path, "an object", value) }
        return JSONObject(fields: fields, path: path)
    }

    /// Any JSON value (filters and metadata are checked by the store).
    static func any(_ value: JSONValue, _ path: String) throws -> JSONValue { value }
}
