import Foundation
import Testing
@testable import Embeddings

/// The safetensors reader validates everything and reports typed errors.
@Suite struct SafeTensorsTests {
    /// Builds a safetensors file from `(name, dtype, shape, bytes)` entries, with optional header
    /// and data overrides to produce malformed files.
    static func makeFile(_ entries: [(String, String, [Int], [UInt8])], header: String? = nil) -> [UInt8] {
        var offset = 0
        var parts: [String] = []
        var data: [UInt8] = []
        for (name, dtype, shape, bytes) in entries {
            parts.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes.count)]}")
            offset += bytes.count
            data += bytes
        }
        let json = Array((header ?? "{\(parts.joined(separator: ","))}").utf8)
        var file: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file += $0 }
        return file + json + data
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let url = try TestSupport.temporaryDirectory().appendingPathComponent("t.safetensors")
        try Data(bytes).write(to: url)
        return url.path
    }

    static func openError(_ bytes: [UInt8]) throws -> SafeTensorsError? {
        let path = try write(bytes)
        do {
            _ = try SafeTensorsFile(path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsF32F16AndBF16() throws {
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x7C, 0x01, 0x00]  // 1, -2, +inf, smallest subnormal
        let bf16: [UInt8] = [0x80, 0x3F, 0x40, 0xC0]  // 1, -3
        let path = try Self.write(Self.makeFile([
            ("a", "F32", [2, 2], Self.floatBytes([1, 2, 3, 4.5])),
            ("h", "F16", [4], f16),
            ("b", "BF16", [2], bf16),
            ("i", "I64", [1], [UInt8](repeating: 0, count: 8)),
        ]))
        let file = try SafeTensorsFile(path: path)
        #expect(try file.floats("a", shape: [2, 2]) == [1, 2, 3, 4.5])
        // The widening itself (every value, the infinity too); a tensor holding an infinity is refused.
        let halves = stride(from: 0, to: f16.count, by: 2).map { SafeTensorsFile.halfToFloat(UInt16(f16[$0]) | UInt16(f16[$0 + 1]) << 8) }
        #expect(halves[0] == 1 && halves[1] == -2 && halves[2] == .infinity)
        #expect(halves[3] == Float(sign: .plus, exponent: -24, significand: 1))
        #expect(throws: SafeTensorsError.nonFinite(tensor: "h", index: 2)) { try file.floats("h") }
        #expect(try file.floats("b") == [1, -3])
        #expect(throws: SafeTensorsError.unsupportedDType(tensor: "i", dtype: "I64")) { try file.floats("i") }
        #expect(throws: SafeTensorsError.missingTensor("nope")) { try file.floats("nope") }
        #expect(throws: SafeTensorsError.shapeMismatch(tensor: "a", expected: [4], actual: [2, 2])) {
            try file.floats("a", shape: [4])
        }
    }

    /// A header length one byte short of the JSON's padded end still parses as JSON, and would
    /// shift every tensor by a byte (the probe loaded NaN that way); one byte long, the first data
    /// byte joins the header. Both are refused, as is a hole between tensors.
    @Test func headerLengthsThatDoNotTileTheDataAreRefused() throws {
        let entries: [(String, String, [Int], [UInt8])] = [("a", "F32", [2], Self.floatBytes([1, 2])), ("b", "F32", [1], Self.floatBytes([3]))]
        let good = Self.makeFile(entries, header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}    "#)
        #expect(try Self.openError(good) == nil)
        for delta in [-1, 1, -4, 4] {
            var bytes = good
            let length = UInt64(Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }) + delta)
            withUnsafeBytes(of: length.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
            let error = try Self.openError(bytes)
            #expect(error != nil, "header length off by \(delta) was accepted")
        }
        let hole = Self.makeFile([], header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#) + [UInt8](repeating: 0, count: 8)
        guard case .invalidOffsets? = try Self.openError(hole) else { Issue.record("a hole in the data was accepted"); return }
        let tail = Self.makeFile([("a", "F32", [1], Self.floatBytes([1]))]) + [0, 0, 0, 0]
        guard case .invalidHeader? = try Self.openError(tail) else { Issue.record("unused bytes after the tensors were accepted"); return }
    }

    @Test func nonFiniteWeightsAreRefused() throws {
        for (value, index) in [(Float.nan, 1), (.infinity, 0), (-.infinity, 2)] {
            var values: [Float] = [1, 2, 3]
            values[index] = value
            let path = try Self.write(Self.makeFile([("w", "F32", [3], Self.floatBytes(values))]))
            #expect(throws: SafeTensorsError.nonFinite(tensor: "w", index: index)) { try SafeTensorsFile(path: path).floats("w") }
        }
        let bf16NaN: [UInt8] = [0x80, 0x3F, 0xC0, 0x7F]  // 1, NaN
        let path = try Self.write(Self.makeFile([("b", "BF16", [2], bf16NaN)]))
        #expect(throws: SafeTensorsError.nonFinite(tensor: "b", index: 1)) { try SafeTensorsFile(path: path).floats("b") }
    }

    @Test func truncatedFilesAreTypedErrors() throws {
        let good = Self.makeFile([("a", "F32", [4], Self.floatBytes([1, 2, 3, 4]))])
        // Cut at every length shorter than the full file: never a crash, always a typed error.
        for length in 0..<good.count {
            let error = try Self.openError(Array(good.prefix(length)))
            switch error {
            case .truncated?, .invalidHeader?: break
            default: Issue.record("length \(length): unexpected \(String(describing: error))")
            }
        }
    }

    @Test func corruptHeadersAreTypedErrors() throws {
        var hugeLength: [UInt8] = []
        withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { hugeLength += $0 }
        if case .invalidHeader? = try Self.openError(hugeLength + [UInt8](repeating: 0, count: 16)) {} else {
            Issue.record("an absurd header length must be rejected")
        }
        let cases: [(String, String)] = [
            ("{not json", "invalid JSON"),
            ("[1,2,3]", "not an object"),
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", "bad offsets"),
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "negative shape"),
            ("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", "no dtype"),
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", "reversed offsets"),
        ]
        for (header, label) in cases {
            let bytes = Self.makeFile([], header: header) + [UInt8](repeating: 0, count: 8)
            guard case .invalidHeader? = try Self.openError(bytes) else {
                Issue.record("\(label) must be an invalid header"); continue
            }
        }
        let wrongSize = Self.makeFile([], header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}") + [UInt8](repeating: 0, count: 12)
        guard case .invalidOffsets? = try Self.openError(wrongSize) else {
            Issue.record("size not matching the shape must be rejected"); return
        }
        let outside = Self.makeFile([], header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}") + [UInt8](repeating: 0, count: 8)
        guard case .truncated? = try Self.openError(outside) else {
            Issue.record("data past the end must be rejected"); return
        }
        let overlapping = Self.makeFile([], header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}") + [UInt8](repeating: 0, count: 12)
        guard case .invalidOffsets? = try Self.openError(overlapping) else {
            Issue.record("overlapping tensors must be rejected"); return
        }
        let unknownType = Self.makeFile([("a", "F8_E4M3", [2], [0, 0])])
        #expect(try Self.openError(unknownType) == .unsupportedDType(tensor: "a", dtype: "F8_E4M3"))
    }

    @Test func missingFileIsUnreadable() throws {
        do {
            _ = try SafeTensorsFile(path: "/nonexistent/model.safetensors")
            Issue.record("expected an error")
        } catch {
            guard case .unreadable = error else { Issue.record("unexpected \(error)"); return }
        }
    }

    @Test func halfPrecisionConversion() {
        #expect(SafeTensorsFile.halfToFloat(0x3555) == Float(0.333251953125))
        #expect(SafeTensorsFile.halfToFloat(0x8000).sign == .minus)
        #expect(SafeTensorsFile.halfToFloat(0x7E00).isNaN)
        #expect(SafeTensorsFile.halfToFloat(0x7BFF) == 65504)
    }
}
