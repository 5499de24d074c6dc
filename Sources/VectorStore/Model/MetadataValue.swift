import Foundation

/// One metadata value of a record or a collection: Chroma allows strings, integers, floats and
/// booleans.
public enum MetadataValue: Sendable, Equatable, Hashable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)

    /// The value as JSON.
    public var json: JSONValue {
        switch self {
        case let .string(value): return .string(value)
        case let .int(value): return .int(value)
        case let .double(value): return .double(value)
        case let .bool(value): return .bool(value)
        }
    }

    /// Converts a JSON scalar; arrays, objects and null are not metadata values.
    public init(json: JSONValue, key: String) throws(StoreError) {
        switch json {
        case let .string(value): self = .string(value)
        case let .int(value): self = .int(value)
        case let .double(value):
            guard value.isFinite else { throw .invalidArgument("metadata '\(key)': numbers must be finite") }
            self = .double(value)
        case let .bool(value): self = .bool(value)
        default:
            throw .invalidArgument("metadata '\(key)' must be a string, integer, float or boolean, not \(json.typeName)")
        }
    }
}

/// A record's or a collection's metadata.
public typealias Metadata = [String: MetadataValue]

extension MetadataValue: Codable {
    public init(from decoder: any Decoder) throws {
        let json = try JSONValue(from: decoder)
        do {
            self = try MetadataValue(json: json, key: decoder.codingPath.last?.stringValue ?? "")
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension Metadata {
    /// Parses a JSON object of metadata values (`null` is refused: it only means "remove this key"
    /// in an update, see `MetadataPatch`).
    public static func parse(_ json: JSONValue?, what: String) throws(StoreError) -> Metadata? {
        guard let json else { return nil }
        switch json {
        case .null: return nil
        case let .object(object):
            var result: Metadata = [:]
            for (key, value) in object {
                guard !key.isEmpty else { throw .invalidArgument("\(what): metadata keys must not be empty") }
                result[key] = try MetadataValue(json: value, key: key)
            }
            return result
        default:
            throw .invalidArgument("\(what) must be an object, not \(json.typeName)")
        }
    }
}
