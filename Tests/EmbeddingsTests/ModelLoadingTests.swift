import Foundation
import Testing
@testable import Embeddings

/// Broken or incomplete model directories fail with typed errors that say what to do.
@Suite struct ModelLoadingTests {
    /// A copy of the model directory: configuration files copied (so they can be edited), the
    /// weights linked.
    static func modelCopy() throws -> URL {
        let source = URL(fileURLWithPath: TestSupport.modelDirectory)
        let copy = try TestSupport.temporaryDirectory().appendingPathComponent("model")
        let manager = FileManager.default
        try manager.createDirectory(at: copy.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        for name in ["config.json", "vocab.txt", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json",
                     "tokenizer_config.json", "special_tokens_map.json"] {
            try manager.copyItem(at: source.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        try manager.createSymbolicLink(at: copy.appendingPathComponent("model.safetensors"),
                                       withDestinationURL: source.appendingPathComponent("model.safetensors"))
        return copy
    }

    static func editJSON(_ url: URL, _ edit: (inout [String: Any]) -> Void) throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    static func loadError(_ directory: URL) -> ModelError? {
        do {
            _ = try SentenceEncoder(directory: directory.path, threads: 1)
            return nil
        } catch {
            return error
        }
    }

    @Test func configurationIsReadFromTheFiles() throws {
        let configuration = try ModelConfiguration(directory: TestSupport.modelDirectory)
        #expect(configuration.hiddenSize == 384)
        #expect(configuration.layerCount == 6)
        #expect(configuration.headCount == 12)
        #expect(configuration.intermediateSize == 1536)
        #expect(configuration.layerNormEpsilon == 1e-12)
        #expect(configuration.activation == .gelu)
        #expect(configuration.maxSequenceLength == 256)
        #expect(configuration.pooling == ModelConfiguration.Pooling(modes: [.mean]))
        #expect(configuration.normalize)
        #expect(configuration.tokenizer.lowercase)
        #expect(configuration.dimension == 384)
    }

    @Test func missingDirectoryNamesTheFetchCommand() {
        let error = Self.loadError(URL(fileURLWithPath: "/nonexistent/model-dir"))
        #expect(error == .directoryNotFound(path: "/nonexistent/model-dir"))
        #expect(error?.description.contains(ModelError.fetchCommand) == true)
    }

    @Test func missingConfigurationKeys() throws {
        for key in ["hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "layer_norm_eps", "hidden_act"] {
            let copy = try Self.modelCopy()
            try Self.editJSON(copy.appendingPathComponent("config.json")) { $0.removeValue(forKey: key) }
            #expect(Self.loadError(copy) == .missingKey(file: copy.appendingPathComponent("config.json").path, key: key))
        }
    }

    @Test func wrongConfigurationValues() throws {
        let copy = try Self.modelCopy()
        try Self.editJSON(copy.appendingPathComponent("config.json")) { $0["hidden_size"] = "wide" }
        guard case .invalidValue(_, "hidden_size", _)? = Self.loadError(copy) else {
            Issue.record("a string hidden_size must be rejected"); return
        }
        let activation = try Self.modelCopy()
        try Self.editJSON(activation.appendingPathComponent("config.json")) { $0["hidden_act"] = "swish" }
        #expect(Self.loadError(activation) == .unsupported("hidden_act swish"))
        // A configuration that disagrees with the weights is a shape error, not a crash.
        let shape = try Self.modelCopy()
        try Self.editJSON(shape.appendingPathComponent("config.json")) { $0["intermediate_size"] = 1024 }
        guard case .weights(.shapeMismatch)? = Self.loadError(shape) else {
            Issue.record("mismatched intermediate_size must be a shape error"); return
        }
        // The weights' memory is sized from the configuration: an absurd size is caught against the
        // file's shapes before anything is allocated.
        let huge = try Self.modelCopy()
        try Self.editJSON(huge.appendingPathComponent("config.json")) { $0["intermediate_size"] = 1 << 36 }
        guard case .weights(.shapeMismatch(let tensor, _, _))? = Self.loadError(huge) else {
            Issue.record("an intermediate_size of 2^36 must be a shape error"); return
        }
        #expect(tensor == "encoder.layer.0.intermediate.dense.weight")
        let length = try Self.modelCopy()
        try Self.editJSON(length.appendingPathComponent("sentence_bert_config.json")) { $0["max_seq_length"] = 4096 }
        guard case .invalidValue(_, "max_seq_length", _)? = Self.loadError(length) else {
            Issue.record("max_seq_length beyond the position table must be rejected"); return
        }
    }

    @Test func invalidJSONIsReported() throws {
        let copy = try Self.modelCopy()
        try Data("{broken".utf8).write(to: copy.appendingPathComponent("config.json"))
        #expect(Self.loadError(copy) == .invalidJSON(path: copy.appendingPathComponent("config.json").path))
    }

    @Test func missingFiles() throws {
        for name in ["vocab.txt", "config.json", "model.safetensors"] {
            let copy = try Self.modelCopy()
            try FileManager.default.removeItem(at: copy.appendingPathComponent(name))
            let error = Self.loadError(copy)
            #expect(error == .missingFile(path: copy.appendingPathComponent(name).path), "removed \(name)")
            #expect(error?.description.contains(ModelError.fetchCommand) == true)
        }
    }

    @Test func vocabularyWithoutSpecialTokens() throws {
        let copy = try Self.modelCopy()
        try Data("hello\nworld\n".utf8).write(to: copy.appendingPathComponent("vocab.txt"))
        guard case .invalidVocabulary? = Self.loadError(copy) else {
            Issue.record("a vocabulary without [CLS] must be rejected"); return
        }
    }

    @Test func truncatedWeightsAreTypedErrors() throws {
        let copy = try Self.modelCopy()
        let weights = copy.appendingPathComponent("model.safetensors")
        let full = try Data(contentsOf: weights)
        try FileManager.default.removeItem(at: weights)
        for length in [0, 7, 100, 11_000, full.count / 2, full.count - 1] {
            try full.prefix(length).write(to: weights)
            guard case .weights? = Self.loadError(copy) else {
                Issue.record("weights cut at \(length) bytes must be a weights error"); continue
            }
        }
        // Corrupt header bytes.
        var corrupt = full
        corrupt.replaceSubrange(20..<40, with: [UInt8](repeating: 0x7B, count: 20))
        try corrupt.write(to: weights)
        guard case .weights? = Self.loadError(copy) else {
            Issue.record("a corrupt header must be a weights error"); return
        }
    }

    @Test func locatorPrefersExplicitThenEnvironment() {
        #expect(ModelLocator.resolve("/explicit", environment: [ModelLocator.environmentVariable: "/env"]) == "/explicit")
        #expect(ModelLocator.resolve(nil, environment: [ModelLocator.environmentVariable: "/env"]) == "/env")
        #expect(ModelLocator.resolve(nil, environment: [:]).hasSuffix("models/all-MiniLM-L6-v2"))
    }
}
