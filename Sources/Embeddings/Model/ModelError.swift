/// Why a model directory could not be loaded.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No model directory was found where one was looked for.
    case directoryNotFound(path: String)
    /// A required file of the model directory is absent.
    case missingFile(path: String)
    /// A configuration file is not valid JSON (or not a JSON object).
    case invalidJSON(path: String)
    /// A configuration file lacks a required key.
    case missingKey(file: String, key: String)
    /// A configuration value has the wrong type or an impossible value.
    case invalidValue(file: String, key: String, reason: String)
    /// The configuration asks for something this engine does not implement.
    case unsupported(String)
    /// The vocabulary file is empty or lacks a special token.
    case invalidVocabulary(path: String, reason: String)
    /// The weights file is malformed or does not match the configuration.
    case weights(SafeTensorsError)

    /// The command that installs the default model.
    public static let fetchCommand = "bash models/fetch.sh"

    public var description: String {
        switch self {
        case let .directoryNotFound(path):
            return "model directory not found: \(path) (install the default model with `\(Self.fetchCommand)`, or pass --model DIR / set LODESTAR_MODEL_DIR)"
        case let .missingFile(path):
            return "model file missing: \(path) (the model directory is incomplete; reinstall it with `\(Self.fetchCommand)`)"
        case let .invalidJSON(path):
            return "\(path) is not a valid JSON object"
        case let .missingKey(file, key):
            return "\(file) has no \"\(key)\""
        case let .invalidValue(file, key, reason):
            return "\(file): \"\(key)\" \(reason)"
        case let .unsupported(what):
            return "unsupported model: \(what)"
        case let .invalidVocabulary(path, reason):
            return "invalid vocabulary \(path): \(reason)"
        case let .weights(error):
            return error.description
        }
    }
}
