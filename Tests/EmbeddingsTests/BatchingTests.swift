import Foundation
import Testing
@testable import Embeddings

/// A text's embedding must not depend on its batch, batch size, thread count or execution mode.
@Suite struct BatchingTests {
    static let texts = [
        "short",
        "A considerably longer sentence about photosynthesis, chlorophyll and the light reactions in plants.",
        "",
        "Fractions: 3/4 is equivalent to 6/8 and to 75%.",
        String(repeating: "long input that is truncated at the model's maximum sequence length ", count: 40),
        "Newton's second law relates force, mass and acceleration.",
        "日本語 and English",
    ] + (0..<60).map { "filler sentence number \($0) with a few more words \(String(repeating: "x", count: $0 % 7))" }

    @Test func aloneEqualsInBatch() throws {
        let encoder = try TestSupport.encoder()
        let batched = encoder.embed(Self.texts, batchSize: 32)
        for (index, text) in Self.texts.enumerated().prefix(12) {
            let alone = encoder.embed(text)
            #expect(TestSupport.maxAbsDifference(alone, batched[index]) <= 1e-6, "text \(index)")
        }
    }

    @Test func independentOfBatchSizeAndThreads() throws {
        let encoder = try TestSupport.encoder()
        let reference = encoder.embed(Self.texts, batchSize: 32)
        let single = try SentenceEncoder(directory: TestSupport.modelDirectory, threads: 1)
        for (batchSize, model) in [(1, single), (7, encoder), (64, encoder), (128, encoder), (5, single)] {
            let vectors = model.embed(Self.texts, batchSize: batchSize)
            #expect(vectors.count == Self.texts.count)
            for (a, b) in zip(reference, vectors) {
                #expect(TestSupport.maxAbsDifference(a, b) <= 1e-6, "batch size \(batchSize), threads \(model.threads)")
            }
        }
    }

    @Test func resultsKeepInputOrder() throws {
        let encoder = try TestSupport.encoder()
        let vectors = encoder.embed(Self.texts, batchSize: 4)
        let reversed = encoder.embed(Self.texts.reversed(), batchSize: 4)
        for (a, b) in zip(vectors, reversed.reversed()) {
            #expect(TestSupport.maxAbsDifference(a, b) <= 1e-6)
        }
    }

    @Test func truncatesAtMaxSequenceLength() throws {
        let encoder = try TestSupport.encoder()
        let ids = encoder.tokenize(Self.texts[4])
        #expect(ids.count == 256)
        #expect(ids.first == 101 && ids.last == 102)
        #expect(encoder.embed(tokenIDs: []).isEmpty)
    }
}
