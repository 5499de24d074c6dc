import Foundation
@testable import Embeddings

/// Paths and shared fixtures of the Embeddings tests.
enum TestSupport {
    /// The repository root (three levels above this file).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The default model directory; `.ci/run` installs it with `models/fetch.sh`.
    static var modelDirectory: String {
        if let fromEnvironment = ProcessInfo.processInfo.environment[ModelLocator.environmentVariable] {
            return fromEnvironment
        }
        return repositoryRoot.appendingPathComponent("models/all-MiniLM-L6-v2").path
    }

    /// The golden fixture: `../shared/fixtures/minilm-golden.jsonl` when present, else the copy kept
    /// beside the tests.
    static var goldenFixturePath: String {
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/minilm-golden.jsonl").path
        if FileManager.default.fileExists(atPath: shared) { return shared }
        return repositoryRoot.appendingPathComponent("Tests/EmbeddingsTests/Fixtures/minilm-golden.jsonl").path
    }

    struct GoldenCase: Decodable, Sendable {
        let text: String
        let input_ids: [Int32]
        let embedding: [Float]
    }

    static func goldenCases() throws -> [GoldenCase] {
        let data = try Data(contentsOf: URL(fileURLWithPath: goldenFixturePath))
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(GoldenCase.self, from: Data($0)) }
    }

    struct TokenizerCase: Decodable, Sendable {
        let text: String
        let input_ids: [Int32]
    }

    /// `Fixtures/tokenizer-unicode.jsonl` (written by `scripts/make_tokenizer_fixture.py`).
    static func tokenizerCases() throws -> [TokenizerCase] {
        let path = repositoryRoot.appendingPathComponent("Tests/EmbeddingsTests/Fixtures/tokenizer-unicode.jsonl")
        let data = try Data(contentsOf: path)
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(TokenizerCase.self, from: Data($0)) }
    }

    /// One encoder shared by the tests of a process (loading takes a fraction of a second, but
    /// there is no reason to repeat it).
    static let sharedEncoder: Result<SentenceEncoder, ModelError> = {
        Result { () throws(ModelError) in try SentenceEncoder(directory: modelDirectory, threads: 2) }
    }()

    static func encoder() throws -> SentenceEncoder { try sharedEncoder.get() }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y)
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }
}
