import Foundation

extension BertTokenizer {
    /// The vocabulary file of a model directory: `vocab.txt`, else `tokenizer.json` (sentence-
    /// transformers 6 saves only the latter); `vocab.txt` when neither exists (for the error).
    public static func vocabularyPath(inModelDirectory directory: String) -> String {
        let root = URL(fileURLWithPath: directory)
        let text = root.appendingPathComponent("vocab.txt").path
        let json = root.appendingPathComponent("tokenizer.json").path
        return !FileManager.default.fileExists(atPath: text) && FileManager.default.fileExists(atPath: json) ? json : text
    }

    /// The tokenizer of a model directory, from the file ``vocabularyPath(inModelDirectory:)`` picks.
    public init(modelDirectory directory: String, options: TokenizerOptions) throws(ModelError) {
        let path = Self.vocabularyPath(inModelDirectory: directory)
        if path.hasSuffix(".json") {
            try self.init(tokenizerJSON: path, options: options)
        } else {
            try self.init(vocabularyFile: path, options: options)
        }
    }

    /// Loads the WordPiece vocabulary of a Hugging Face `tokenizer.json` (what sentence-transformers
    /// 6 saves instead of `vocab.txt`). Normalisation follows `options` (from `tokenizer_config.json`),
    /// as Transformers itself lets that file override the normaliser stored in `tokenizer.json`.
    public init(tokenizerJSON path: String, options: TokenizerOptions = TokenizerOptions()) throws(ModelError) {
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile(path: path) }
        guard let data = FileManager.default.contents(atPath: path),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { throw .invalidJSON(path: path) }
        guard let model = root["model"] as? [String: Any] else { throw .missingKey(file: path, key: "model") }
        if let type = model["type"] as? String, type != "WordPiece" {
            throw .unsupported("tokenizer model \(type) in \(path) (WordPiece is supported)")
        }
        if let prefix = model["continuing_subword_prefix"] as? String, prefix != "##" {
            throw .unsupported("continuing_subword_prefix \(prefix) in \(path)")
        }
        guard let vocabulary = model["vocab"] as? [String: Any] else { throw .missingKey(file: path, key: "model.vocab") }
        var tokens = [String?](repeating: nil, count: vocabulary.count)
        for (token, value) in vocabulary {
            guard let number = value as? NSNumber, let id = Int(exactly: number.doubleValue), id >= 0, id < tokens.count, tokens[id] == nil else {
                throw .invalidVocabulary(path: path, reason: "token ids must be 0..<\(tokens.count), each once (token \(token.debugDescription))")
            }
            tokens[id] = token
        }
        try self.init(vocabulary: tokens.map { $0 ?? "" }, options: options, source: path)
    }
}
