/// Why a `.safetensors` file could not be read. Every malformed input maps to one of these; none
/// crashes the process.
public enum SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read (the `errno` text is included).
    case unreadable(path: String, reason: String)
    /// The file is shorter than its own header says it is.
    case truncated(path: String, expectedBytes: UInt64, actualBytes: UInt64)
    /// The JSON header is not valid, or an entry in it is malformed.
    case invalidHeader(path: String, reason: String)
    /// A tensor's dtype is not one this reader understands.
    case unsupportedDType(tensor: String, dtype: String)
    /// A tensor's byte range lies outside the data section or does not match its shape and dtype.
    case invalidOffsets(tensor: String, reason: String)
    /// A tensor the model needs is not in the file.
    case missingTensor(String)
    /// A tensor has a different shape from the one the configuration implies.
    case shapeMismatch(tensor: String, expected: [Int], actual: [Int])
    /// A tensor holds NaN or an infinity (at element `index`).
    case nonFinite(tensor: String, index: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read safetensors file \(path): \(reason)"
        case let .truncated(path, expected, actual):
            return "safetensors file \(path) is truncated: needs \(expected) bytes, has \(actual)"
        case let .invalidHeader(path, reason):
            return "safetensors file \(path) has an invalid header: \(reason)"
        case let .unsupportedDType(tensor, dtype):
            return "tensor \(tensor) has unsupported dtype \(dtype) (F32, F16 and BF16 are supported)"
        case let .invalidOffsets(tensor, reason):
            return "tensor \(tensor) has invalid data offsets: \(reason)"
        case let .missingTensor(name):
            return "tensor \(name) is missing from the weights file"
        case let .shapeMismatch(tensor, expected, actual):
            return "tensor \(tensor) has shape \(actual), expected \(expected)"
        case let .nonFinite(tensor, index):
            return "tensor \(tensor) holds a NaN or infinite value (element \(index)): the weights are damaged"
        }
    }
}
