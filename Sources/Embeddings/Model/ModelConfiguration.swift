import Foundation

/// Everything the engine needs to know about a sentence-transformers model directory, read from its
/// configuration files (nothing about the architecture is hard-coded):
///
/// - `config.json` — the BERT architecture (sizes, layers, heads, `layer_norm_eps`, `hidden_act`).
/// - `sentence_bert_config.json` — `max_seq_length` and input lower-casing (without them, the
///   tokenizer's `model_max_length` capped at `max_position_embeddings`, as sentence-transformers 6
///   saves models).
/// - `modules.json` — where the Pooling module lives and whether a Normalize module follows it
///   (the module types of sentence-transformers 2 to 6).
/// - `<pooling>/config.json` — the pooling mode(s), in either format.
/// - `tokenizer_config.json` — lower-casing, accent stripping, CJK splitting, special tokens.
///
/// The vocabulary is `vocab.txt`, or the WordPiece vocabulary in `tokenizer.json` when a directory
/// has no `vocab.txt` (sentence-transformers 6 saves only the latter).
public struct ModelConfiguration: Sendable, Equatable {
    /// The activation of the feed-forward block.
    public enum Activation: String, Sendable {
        /// Exact GELU, `x · Φ(x)` with `erf` (Hugging Face `gelu`).
        case gelu
        /// The tanh approximation (Hugging Face `gelu_new`, `gelu_pytorch_tanh`, `gelu_fast`).
        case geluTanh
        case relu
    }

    /// The pooling of token embeddings into one vector: one or more modes, whose results are
    /// concatenated in order (sentence-transformers' `pooling_mode`; its older `pooling_mode_*`
    /// flags give the order CLS, max, mean, mean-sqrt-len, weighted mean, last token).
    public struct Pooling: Sendable, Equatable {
        public enum Mode: String, Sendable, CaseIterable {
            /// The first token's (`[CLS]`) embedding.
            case cls
            /// The element-wise maximum over the tokens.
            case max
            /// The mean over the tokens.
            case mean
            /// The sum over the tokens divided by the square root of their count.
            case meanSqrtLength = "mean_sqrt_len_tokens"
            /// The mean weighted by position (1, 2, 3, ...).
            case weightedMean = "weightedmean"
            /// The last token's (`[SEP]`) embedding.
            case lastToken = "lasttoken"

            /// The flag of the mode in `1_Pooling/config.json` before sentence-transformers 6.
            var legacyKey: String {
                switch self {
                case .cls: "pooling_mode_cls_token"
                case .max: "pooling_mode_max_tokens"
                case .mean: "pooling_mode_mean_tokens"
                case .meanSqrtLength: "pooling_mode_mean_sqrt_len_tokens"
                case .weightedMean: "pooling_mode_weightedmean_tokens"
                case .lastToken: "pooling_mode_lasttoken"
                }
            }
        }

        /// The modes, in output order.
        public var modes: [Mode]
        public init(modes: [Mode]) { self.modes = modes }
        public var modeCount: Int { modes.count }
    }

    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var layerNormEpsilon: Float
    public var activation: Activation
    public var maxPositionEmbeddings: Int
    public var vocabularySize: Int
    public var typeVocabularySize: Int
    /// Tokens per input after truncation, counting `[CLS]` and `[SEP]`.
    public var maxSequenceLength: Int
    public var pooling: Pooling
    public var normalize: Bool
    public var tokenizer: TokenizerOptions

    /// Width of the produced embedding.
    public var dimension: Int { hiddenSize * pooling.modeCount }
    public var headSize: Int { hiddenSize / headCount }

    /// Reads and validates the configuration files of `directory`.
    public init(directory: String) throws(ModelError) {
        let root = URL(fileURLWithPath: directory)
        func file(_ name: String) -> String { root.appendingPathComponent(name).path }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .directoryNotFound(path: directory)
        }

        guard let config = try JSONConfigFile.read(file("config.json")) else { throw .missingFile(path: file("config.json")) }
        if config.has("model_type") {
            let type = try config.string("model_type")
            guard type == "bert" else {
                throw .unsupported("model_type \(type) (BERT encoders are supported)")
            }
        }
        hiddenSize = try config.positiveInt("hidden_size")
        layerCount = try config.positiveInt("num_hidden_layers")
        headCount = try config.positiveInt("num_attention_heads")
        intermediateSize = try config.positiveInt("intermediate_size")
        maxPositionEmbeddings = try config.positiveInt("max_position_embeddings")
        vocabularySize = try config.positiveInt("vocab_size")
        typeVocabularySize = try config.int("type_vocab_size", default: 2)
        let epsilon = try config.double("layer_norm_eps")
        guard epsilon > 0 else { throw .invalidValue(file: config.path, key: "layer_norm_eps", reason: "must be positive") }
        layerNormEpsilon = Float(epsilon)
        switch try config.string("hidden_act") {
        case "gelu": activation = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": activation = .geluTanh
        case "relu": activation = .relu
        case let other: throw .unsupported("hidden_act \(other)")
        }
        guard hiddenSize % headCount == 0 else {
            throw .invalidValue(file: config.path, key: "num_attention_heads", reason: "must divide hidden_size \(hiddenSize)")
        }
        if config.has("position_embedding_type") {
            let kind = try config.string("position_embedding_type")
            guard kind == "absolute" else { throw .unsupported("position_embedding_type \(kind)") }
        }

        // Tokenizer options (tokenizer_config.json is optional; BERT defaults apply without it).
        let tokenizerConfig = try JSONConfigFile.read(file("tokenizer_config.json"), optional: true)
        var options = TokenizerOptions()
        if let tokenizerConfig {
            options.lowercase = try tokenizerConfig.bool("do_lower_case", default: true)
            options.stripAccents = try tokenizerConfig.optionalBool("strip_accents")
            options.splitChineseCharacters = try tokenizerConfig.bool("tokenize_chinese_chars", default: true)
            for (key, path) in [("unk_token", \TokenizerOptions.unknownToken), ("cls_token", \.classToken),
                                ("sep_token", \.separatorToken), ("pad_token", \.paddingToken), ("mask_token", \.maskToken)] {
                if let token = try Self.tokenString(tokenizerConfig, key) { options[keyPath: path] = token }
            }
        }

        // sentence-transformers settings.
        let stConfig = try JSONConfigFile.read(file("sentence_bert_config.json"), optional: true)
        var maxLength = maxPositionEmbeddings
        if let tokenizerConfig, tokenizerConfig.has("model_max_length") {
            // Hugging Face writes a huge sentinel (about 1e30) for "no limit of its own".
            let modelMax = try tokenizerConfig.double("model_max_length")
            if modelMax >= 1, modelMax < 1e12 { maxLength = min(maxLength, Int(modelMax)) }
        }
        if let stConfig, stConfig.has("max_seq_length") {
            maxLength = try stConfig.positiveInt("max_seq_length")
        }
        guard maxLength >= 2, maxLength <= maxPositionEmbeddings else {
            throw .invalidValue(file: stConfig?.path ?? config.path, key: "max_seq_length",
                                reason: "must be between 2 and max_position_embeddings (\(maxPositionEmbeddings))")
        }
        maxSequenceLength = maxLength
        options.lowercaseInput = try stConfig?.bool("do_lower_case", default: false) ?? false
        tokenizer = options

        // Modules: pooling directory and Normalize.
        var poolingDirectory = "1_Pooling"
        var hasNormalize = false
        if FileManager.default.fileExists(atPath: file("modules.json")) {
            guard let data = FileManager.default.contents(atPath: file("modules.json")),
                  let modules = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]
            else { throw .invalidJSON(path: file("modules.json")) }
            var foundPooling = false
            for module in modules {
                guard let type = module["type"] as? String else {
                    throw .missingKey(file: file("modules.json"), key: "type")
                }
                // The class name decides: `sentence_transformers.models.Pooling` before version 6,
                // `sentence_transformers.sentence_transformer.modules.pooling.Pooling` since.
                switch type.split(separator: ".").last.map(String.init) ?? type {
                case "Pooling":
                    guard let path = module["path"] as? String else {
                        throw .missingKey(file: file("modules.json"), key: "path")
                    }
                    poolingDirectory = path
                    foundPooling = true
                case "Normalize":
                    hasNormalize = true
                case "Transformer":
                    break
                default:
                    throw .unsupported("module \(type)")
                }
            }
            guard foundPooling else { throw .unsupported("modules.json has no Pooling module") }
        }
        normalize = hasNormalize
        let poolingPath = root.appendingPathComponent(poolingDirectory).appendingPathComponent("config.json").path
        if let poolingConfig = try JSONConfigFile.read(poolingPath, optional: true) {
            pooling = try Self.pooling(poolingConfig)
            for key in ["embedding_dimension", "word_embedding_dimension"] where poolingConfig.has(key) {
                let width = try poolingConfig.int(key)
                guard width == hiddenSize else {
                    throw .invalidValue(file: poolingConfig.path, key: key, reason: "is \(width), but hidden_size is \(hiddenSize)")
                }
            }
        } else {
            pooling = Pooling(modes: [.mean])  // sentence-transformers' default for a bare transformer
        }
    }

    /// The modes of a pooling configuration: `pooling_mode` (a name or a list of names, in output
    /// order; sentence-transformers 6), else the `pooling_mode_*` flags of earlier versions. No mode
    /// at all means mean pooling, as sentence-transformers 6 reads it.
    private static func pooling(_ config: JSONConfigFile) throws(ModelError) -> Pooling {
        func mode(_ name: String) throws(ModelError) -> Pooling.Mode {
            guard let mode = Pooling.Mode(rawValue: name) else {
                throw .invalidValue(file: config.path, key: "pooling_mode", reason: "unknown mode '\(name)' (known: \(Pooling.Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return mode
        }
        if config.has("pooling_mode") {
            if let name = config.values["pooling_mode"] as? String { return Pooling(modes: [try mode(name)]) }
            guard let names = config.values["pooling_mode"] as? [String], !names.isEmpty else {
                throw .invalidValue(file: config.path, key: "pooling_mode", reason: "must be a mode name or a non-empty list of them")
            }
            var modes: [Pooling.Mode] = []
            for name in names { modes.append(try mode(name)) }
            return Pooling(modes: modes)
        }
        var modes: [Pooling.Mode] = []
        for mode in Pooling.Mode.allCases where try config.bool(mode.legacyKey, default: false) { modes.append(mode) }
        return Pooling(modes: modes.isEmpty ? [.mean] : modes)
    }

    /// A special token may be a plain string or an AddedToken object with a `content` field.
    private static func tokenString(_ file: JSONConfigFile, _ key: String) throws(ModelError) -> String? {
        guard file.has(key) else { return nil }
        if let text = file.values[key] as? String { return text }
        if let object = file.values[key] as? [String: Any], let content = object["content"] as? String { return content }
        throw .invalidValue(file: file.path, key: key, reason: "must be a string")
    }
}
