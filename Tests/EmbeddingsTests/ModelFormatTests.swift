import Foundation
import Testing
@testable import Embeddings

/// Model directories as sentence-transformers 6 saves them, and the pooling configurations of
/// every version, against sentence-transformers' own output.
@Suite struct ModelFormatTests {
    /// The tiny model of `scripts/make_tiny_model_fixture.py`, copied to a temporary directory with
    /// its weights under their real name (the repository keeps no `*.safetensors` files).
    static let tinyModel: String = {
        let source = TestSupport.repositoryRoot.appendingPathComponent("Tests/EmbeddingsTests/Fixtures/tiny-st6-model")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-tiny-model-\(UUID().uuidString)")
        // A failure here shows as the model failing to load in the tests that use it.
        try? FileManager.default.copyItem(at: source, to: copy)
        try? FileManager.default.moveItem(at: copy.appendingPathComponent("model-weights.fixture"),
                                          to: copy.appendingPathComponent("model.safetensors"))
        return copy.path
    }()

    /// What sentence-transformers computed with the tiny model (same fields as the golden fixture).
    static func references() throws -> [TestSupport.GoldenCase] {
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/EmbeddingsTests/Fixtures/tiny-st6-reference.jsonl")
        return try Data(contentsOf: url).split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(TestSupport.GoldenCase.self, from: Data($0)) }
    }

    /// The tiny model of `scripts/make_tiny_model_fixture.py`: new module types and pooling config,
    /// no vocab.txt, float16 weights, heads of 12, gelu_new, truncation at 48 tokens, mean + CLS.
    @Test func sentenceTransformers6DirectoryMatchesItsOutput() throws {
        let configuration = try ModelConfiguration(directory: Self.tinyModel)
        #expect(configuration.pooling.modes == [.mean, .cls])
        #expect(configuration.normalize)
        #expect(configuration.maxSequenceLength == 48)
        #expect(configuration.activation == .geluTanh)
        #expect(configuration.headSize == 12)
        #expect(configuration.dimension == 48)

        let encoder = try SentenceEncoder(directory: Self.tinyModel, threads: 2)
        #expect(encoder.tokenizer.tokens.count == 4000)
        let references = try Self.references()
        #expect(references.count == 36)
        let ids = encoder.tokenize(references.map(\.text))
        #expect(ids == references.map(\.input_ids))
        let batched = encoder.embed(tokenIDs: ids, batchSize: 8)
        var worst: Float = 0
        for (vector, reference) in zip(batched, references) {
            #expect(vector.count == 48)
            worst = max(worst, TestSupport.maxAbsDifference(vector, reference.embedding))
        }
        #expect(worst <= 1e-5, "worst max abs difference \(worst)")
        for (index, reference) in references.enumerated() where index % 5 == 0 {
            #expect(TestSupport.maxAbsDifference(encoder.embed(reference.text), batched[index]) <= 1e-6)
        }
    }

    static func poolingDirectory(_ pooling: [String: Any], modules: [[String: Any]]? = nil) throws -> URL {
        let copy = try ModelLoadingTests.modelCopy()
        try JSONSerialization.data(withJSONObject: pooling).write(to: copy.appendingPathComponent("1_Pooling/config.json"))
        if let modules {
            try JSONSerialization.data(withJSONObject: modules).write(to: copy.appendingPathComponent("modules.json"))
        }
        return copy
    }

    @Test func poolingModesInEitherFormat() throws {
        let cases: [([String: Any], [ModelConfiguration.Pooling.Mode])] = [
            (["embedding_dimension": 384, "pooling_mode": "max"], [.max]),
            (["embedding_dimension": 384, "pooling_mode": ["mean", "cls", "lasttoken"]], [.mean, .cls, .lastToken]),
            (["pooling_mode": ["weightedmean"], "include_prompt": true], [.weightedMean]),
            // the flags of sentence-transformers 2-5 give a fixed order, whatever the file's order
            (["pooling_mode_mean_tokens": true, "pooling_mode_cls_token": true, "word_embedding_dimension": 384], [.cls, .mean]),
            (["pooling_mode_mean_sqrt_len_tokens": true, "pooling_mode_max_tokens": true], [.max, .meanSqrtLength]),
            (["pooling_mode_mean_tokens": false], [.mean]),  // none enabled: mean, as sentence-transformers 6 reads it
        ]
        for (config, modes) in cases {
            let directory = try Self.poolingDirectory(config)
            #expect(try ModelConfiguration(directory: directory.path).pooling.modes == modes, "\(config)")
        }
        for bad in [["pooling_mode": "median"], ["pooling_mode": [String]()], ["pooling_mode": 3], ["pooling_mode": "mean", "embedding_dimension": 128]] as [[String: Any]] {
            let directory = try Self.poolingDirectory(bad)
            #expect(throws: ModelError.self, "\(bad)") { try ModelConfiguration(directory: directory.path) }
        }
    }

    @Test func poolingOutputsInOrder() throws {
        let directory = try Self.poolingDirectory(["pooling_mode": ["lasttoken", "weightedmean", "cls"]],
                                                  modules: [["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.transformer.Transformer"],
                                                            ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling"]])
        let configuration = try ModelConfiguration(directory: directory.path)
        #expect(!configuration.normalize)
        let h = 3
        let rows: [Float] = [1, 2, 3,  4, 5, 6,  7, 8, 10]  // three tokens
        var c = configuration
        c.hiddenSize = h
        let pooled = rows.withUnsafeBufferPointer { Pooling.pool($0.baseAddress!, length: 3, hiddenSize: h, configuration: c) }
        // last token; (1·row0 + 2·row1 + 3·row2) / 6 = (30, 36, 45) / 6; first token
        let expected: [Float] = [7, 8, 10, 5, 6, 7.5, 1, 2, 3]
        #expect(pooled == expected)
    }

    @Test func sentenceTransformers6ModuleTypesAndUnknownModules() throws {
        let modern = try Self.poolingDirectory(["pooling_mode": "mean"], modules: [
            ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.transformer.Transformer"],
            ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling"],
            ["idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.base.modules.normalize.Normalize"],
        ])
        let configuration = try ModelConfiguration(directory: modern.path)
        #expect(configuration.normalize && configuration.pooling.modes == [.mean])
        let dense = try Self.poolingDirectory(["pooling_mode": "mean"], modules: [
            ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
            ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
            ["idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"],
        ])
        #expect(throws: ModelError.unsupported("module sentence_transformers.models.Dense")) { try ModelConfiguration(directory: dense.path) }
    }

    /// Hugging Face writes model_max_length = 1e30 for "no limit": max_position_embeddings applies.
    @Test func modelMaxLengthSentinelAndTokenizerLimit() throws {
        let copy = try ModelLoadingTests.modelCopy()
        try ModelLoadingTests.editJSON(copy.appendingPathComponent("sentence_bert_config.json")) { $0.removeValue(forKey: "max_seq_length") }
        try ModelLoadingTests.editJSON(copy.appendingPathComponent("tokenizer_config.json")) { $0["model_max_length"] = 1e30 }
        #expect(try ModelConfiguration(directory: copy.path).maxSequenceLength == 512)
        try ModelLoadingTests.editJSON(copy.appendingPathComponent("tokenizer_config.json")) { $0["model_max_length"] = 128 }
        #expect(try ModelConfiguration(directory: copy.path).maxSequenceLength == 128)
    }

    /// Without vocab.txt the vocabulary comes from tokenizer.json; with neither, the error names vocab.txt.
    @Test func vocabularyFromTokenizerJSON() throws {
        let copy = try ModelLoadingTests.modelCopy()
        let fromText = try SentenceEncoder(directory: copy.path, threads: 1).tokenizer.tokens
        try FileManager.default.removeItem(at: copy.appendingPathComponent("vocab.txt"))
        #expect(ModelLoadingTests.loadError(copy) == .missingFile(path: copy.appendingPathComponent("vocab.txt").path))
        try FileManager.default.copyItem(at: URL(fileURLWithPath: TestSupport.modelDirectory).appendingPathComponent("tokenizer.json"),
                                         to: copy.appendingPathComponent("tokenizer.json"))
        #expect(try SentenceEncoder(directory: copy.path, threads: 1).tokenizer.tokens == fromText)
        try Data(#"{"model": {"type": "BPE", "vocab": {}}}"#.utf8).write(to: copy.appendingPathComponent("tokenizer.json"))
        guard case .unsupported? = ModelLoadingTests.loadError(copy) else { Issue.record("a BPE tokenizer.json must be unsupported"); return }
        try Data(#"{"model": {"type": "WordPiece", "vocab": {"[CLS]": 0, "[SEP]": 0}}}"#.utf8).write(to: copy.appendingPathComponent("tokenizer.json"))
        guard case .invalidVocabulary? = ModelLoadingTests.loadError(copy) else { Issue.record("repeated ids must be rejected"); return }
    }
}
