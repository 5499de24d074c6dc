import Foundation
import GRDB

/// Encodings of stored values: embeddings as little-endian float32 blobs; collection metadata as
/// JSON with each value tagged by type (`{"key": ["f", 1.0]}`), so a float stays a float.
/// Record metadata lives in the `record_metadata` table, one typed row per key.
enum Codecs {
    static func blob(_ vector: [Float]) -> Data {
        vector.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    static func vector(_ data: Data, dimension: Int) throws(StoreError) -> [Float] {
        guard data.count == dimension * MemoryLayout<Float>.size else {
            throw .storage("stored embedding has \(data.count) bytes, expected \(dimension * 4)")
        }
        var result = [Float](repeating: 0, count: dimension)
        _ = result.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        return result
    }

    static func taggedJSON(_ metadata: Metadata?) -> String? {
        guard let metadata else { return nil }
        var object: [String: JSONValue] = [:]
        for (key, value) in metadata {
            switch value {
            case let .string(s): object[key] = .array([.string("s"), .string(s)])
            case let .int(i): object[key] = .array([.string("i"), .int(i)])
            case let .double(d): object[key] = .array([.string("f"), .double(d)])
            case let .bool(b): object[key] = .array([.string("b"), .bool(b)])
            }
        }
        return String(decoding: JSONValue.object(object).serialized(), as: UTF8.self)
    }

    static func metadata(taggedJSON text: String?) -> Metadata? {
        guard let text, let data = text.data(using: .utf8),
              case let .object(object)? = try? JSONValue.parse(data) else { return nil }
        var result: Metadata = [:]
        for (key, value) in object {
            guard case let .array(pair) = value, pair.count == 2, case let .string(tag) = pair[0] else { continue }
            switch (tag, pair[1]) {
            case let ("s", .string(s)): result[key] = .string(s)
            case let ("i", .int(i)): result[key] = .int(i)
            case let ("f", .double(d)): result[key] = .double(d)
            case let ("f", .int(i)): result[key] = .double(Double(i))
            case let ("b", .bool(b)): result[key] = .bool(b)
            default: continue
            }
        }
        return result
    }

    /// Reads one `record_metadata` row's typed value.
    static func metadataValue(_ row: Row) -> MetadataValue? {
        if let s: String = row["string_value"] { return .string(s) }
        if let i: Int64 = row["int_value"] { return .int(i) }
        if let d: Double = row["float_value"] { return .double(d) }
        if let b: Int64 = row["bool_value"] { return .bool(b != 0) }
        return nil
    }
}
