import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A validated `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw data.
///
/// The header is parsed and checked when the file is opened (sizes, offsets inside the data
/// section, byte counts that match shape × dtype, no overlaps). Tensor data is read on demand
/// straight into `[Float]` storage with `pread`, so loading a model never holds two copies.
public final class SafeTensorsFile: @unchecked Sendable {
    // @unchecked Sendable: the only mutable state is the file descriptor, which is used with
    // positional reads (`pread`) that are safe to issue concurrently, and closed in deinit.

    /// Element types found in safetensors files.
    public enum DType: String, Sendable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

        var byteSize: Int {
            switch self {
            case .f64, .i64: return 8
            case .f32, .i32: return 4
            case .f16, .bf16, .i16: return 2
            case .i8, .u8, .bool: return 1
            }
        }
    }

    /// One entry of the header.
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range relative to the start of the data section.
        public let begin: UInt64
        public let end: UInt64
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The file's path, for messages.
    public let path: String
    /// Tensors by name.
    public let tensors: [String: TensorInfo]
    /// `__metadata__` string pairs, if any.
    public let metadata: [String: String]

    private let descriptor: Int32
    private let dataStart: UInt64

    /// The largest header accepted (the format's own limit is 100 MB).
    static let maximumHeaderBytes: UInt64 = 100_000_000

    /// Opens and validates the file at `path`.
    public init(path: String) throws(SafeTensorsError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        do throws(SafeTensorsError) {
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                throw SafeTensorsError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            let fileSize = UInt64(info.st_size)
            guard fileSize >= 8 else {
                throw SafeTensorsError.truncated(path: path, expectedBytes: 8, actualBytes: fileSize)
            }
            var lengthBytes = [UInt8](repeating: 0, count: 8)
            try Self.readExactly(fd: fd, into: &lengthBytes, offset: 0, path: path)
            let headerLength = lengthBytes.enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
            guard headerLength <= Self.maximumHeaderBytes else {
                throw SafeTensorsError.invalidHeader(path: path, reason: "header length \(headerLength) exceeds \(Self.maximumHeaderBytes) bytes")
            }
            guard fileSize >= 8 + headerLength else {
                throw SafeTensorsError.truncated(path: path, expectedBytes: 8 + headerLength, actualBytes: fileSize)
            }
            var headerBytes = [UInt8](repeating: 0, count: Int(headerLength))
            try Self.readExactly(fd: fd, into: &headerBytes, offset: 8, path: path)
            let parsed = try Self.parseHeader(headerBytes, path: path)
            let dataStart = 8 + headerLength
            let dataSize = fileSize - dataStart
            try Self.validateLayout(parsed.tensors, dataSize: dataSize, path: path)
            self.tensors = parsed.tensors
            self.metadata = parsed.metadata
            self.dataStart = dataStart
            self.descriptor = fd
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(descriptor) }

    /// The tensor's elements as `Float` (F16 and BF16 are widened; F32 is copied as is). A tensor
    /// holding NaN or an infinity is refused (`nonFinite`): such weights make every embedding NaN.
    ///
    /// - Parameter shape: when given, the tensor must have exactly this shape.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws(SafeTensorsError) -> [Float] {
        let values = try rawFloats(name, shape: expected)
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(tensor: name, index: index)
        }
        return values
    }

    private func rawFloats(_ name: String, shape expected: [Int]?) throws(SafeTensorsError) -> [Float] {
        guard let info = tensors[name] else { throw .missingTensor(name) }
        if let expected, expected != info.shape {
            throw .shapeMismatch(tensor: name, expected: expected, actual: info.shape)
        }
        let count = info.elementCount
        let offset = dataStart + info.begin
        switch info.dtype {
        case .f32:
            var result = [Float](repeating: 0, count: count)
            if let failure = result.withUnsafeMutableBytes({ Self.read(fd: descriptor, into: $0, offset: offset, path: path) }) {
                throw failure
            }
            #if _endian(big)
            result = result.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
            #endif
            return result
        case .f16, .bf16:
            var halves = [UInt16](repeating: 0, count: count)
            if let failure = halves.withUnsafeMutableBytes({ Self.read(fd: descriptor, into: $0, offset: offset, path: path) }) {
                throw failure
            }
            if info.dtype == .bf16 {
                return halves.map { Float(bitPattern: UInt32(UInt16(littleEndian: $0)) << 16) }
            }
            return halves.map { Self.halfToFloat(UInt16(littleEndian: $0)) }
        default:
            throw .unsupportedDType(tensor: name, dtype: info.dtype.rawValue)
        }
    }

    // MARK: - Parsing and validation

    private static func parseHeader(_ bytes: [UInt8], path: String) throws(SafeTensorsError)
        -> (tensors: [String: TensorInfo], metadata: [String: String])
    {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw .invalidHeader(path: path, reason: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw .invalidHeader(path: path, reason: "the header is not a JSON object")
        }
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in dictionary {
            if name == "__metadata__" {
                guard let pairs = value as? [String: Any] else {
                    throw .invalidHeader(path: path, reason: "__metadata__ is not an object")
                }
                for (key, item) in pairs {
                    guard let text = item as? String else {
                        throw .invalidHeader(path: path, reason: "__metadata__ value for \(key) is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            guard let entry = value as? [String: Any] else {
                throw .invalidHeader(path: path, reason: "entry \(name) is not an object")
            }
            guard let dtypeName = entry["dtype"] as? String else {
                throw .invalidHeader(path: path, reason: "entry \(name) has no dtype")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw .unsupportedDType(tensor: name, dtype: dtypeName)
            }
            guard let shapeValues = entry["shape"] as? [Any],
                  let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 })
            else {
                throw .invalidHeader(path: path, reason: "entry \(name) has no valid shape")
            }
            guard let offsetValues = entry["data_offsets"] as? [Any],
                  let offsets = integers(offsetValues), offsets.count == 2,
                  offsets[0] >= 0, offsets[1] >= offsets[0]
            else {
                throw .invalidHeader(path: path, reason: "entry \(name) has no valid data_offsets")
            }
            tensors[name] = TensorInfo(
                name: name, dtype: dtype, shape: shape,
                begin: UInt64(offsets[0]), end: UInt64(offsets[1]))
        }
        return (tensors, metadata)
    }

    /// Exact non-negative integers from JSON numbers (rejects fractions, booleans and overflow).
    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(values.count)
        for value in values {
            guard let number = value as? NSNumber else { return nil }
            #if canImport(Darwin)
            if CFGetTypeID(number) == CFBooleanGetTypeID() { return nil }
            #endif
            let double = number.doubleValue
            guard double.rounded() == double, abs(double) < 9.0e15 else { return nil }
            result.append(Int(double))
        }
        return result
    }

    private static func validateLayout(_ tensors: [String: TensorInfo], dataSize: UInt64, path: String) throws(SafeTensorsError) {
        for info in tensors.values {
            var elements: UInt64 = 1
            for dimension in info.shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: UInt64(dimension))
                guard !overflow else {
                    throw .invalidOffsets(tensor: info.name, reason: "shape \(info.shape) overflows")
                }
                elements = product
            }
            let (bytes, overflow) = elements.multipliedReportingOverflow(by: UInt64(info.dtype.byteSize))
            guard !overflow, info.end - info.begin == bytes else {
                throw .invalidOffsets(
                    tensor: info.name,
                    reason: "byte range \(info.begin)..<\(info.end) does not hold \(info.shape) of \(info.dtype.rawValue)")
            }
            guard info.end <= dataSize else {
                throw .truncated(path: path, expectedBytes: info.end, actualBytes: dataSize)
            }
        }
        // Byte ranges must not overlap, and (as the format requires, and the reference reader
        // checks) they must tile the data section exactly: a hole or unused bytes at the end mean
        // the header length or an offset is wrong — a header length off by one would otherwise
        // shift every tensor by a byte and load garbage.
        let sorted = tensors.values.filter { $0.end > $0.begin }.sorted { $0.begin < $1.begin }
        var covered: UInt64 = 0
        var previous: TensorInfo?
        for info in sorted {
            if info.begin < covered, let previous {
                throw .invalidOffsets(tensor: info.name, reason: "overlaps \(previous.name)")
            }
            guard info.begin == covered else {
                throw .invalidOffsets(tensor: info.name, reason: "starts at \(info.begin), the previous tensor ends at \(covered) (a hole in the data)")
            }
            covered = info.end
            previous = info
        }
        guard covered == dataSize else {
            throw .invalidHeader(path: path, reason: "the tensors cover \(covered) bytes of a \(dataSize)-byte data section (wrong header length?)")
        }
    }

    // MARK: - I/O

    private static func readExactly(fd: Int32, into bytes: inout [UInt8], offset: UInt64, path: String) throws(SafeTensorsError) {
        if let failure = bytes.withUnsafeMutableBytes({ read(fd: fd, into: $0, offset: offset, path: path) }) {
            throw failure
        }
    }

    /// Fills `buffer` from `offset`; returns the failure, if any.
    private static func read(fd: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: UInt64, path: String) -> SafeTensorsError? {
        guard let base = buffer.baseAddress else { return nil }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                return .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 {
                return .truncated(path: path, expectedBytes: offset + UInt64(buffer.count), actualBytes: offset + UInt64(done))
            }
            done += n
        }
        return nil
    }

    /// IEEE 754 binary16 to binary32 (handles subnormals, infinities and NaN).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            let value = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -value : value
        }
        if exponent == 31 {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | (UInt32(exponent - 15 + 127) << 23) | (mantissa << 13))
    }
}
