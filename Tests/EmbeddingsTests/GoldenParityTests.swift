import Foundation
import Testing
@testable import Embeddings

/// Parity with sentence-transformers on every line of the golden fixture.
@Suite struct GoldenParityTests {
    @Test func tokenIDsMatchTheReferenceTokenizer() throws {
        let encoder = try TestSupport.encoder()
        let cases = try TestSupport.goldenCases()
        #expect(cases.count >= 200)
        for item in cases {
            #expect(encoder.tokenize(item.text) == item.input_ids, "text: \(item.text.debugDescription)")
        }
    }

    @Test func embeddingsMatchSentenceTransformers() throws {
        let encoder = try TestSupport.encoder()
        let cases = try TestSupport.goldenCases()
        let vectors = encoder.embed(cases.map(\.text), batchSize: 16)
        #expect(vectors.count == cases.count)
        var worst: Float = 0
        for (item, vector) in zip(cases, vectors) {
            #expect(vector.count == 384)
            let difference = TestSupport.maxAbsDifference(vector, item.embedding)
            worst = max(worst, difference)
            #expect(difference <= 1e-5, "max abs \(difference) for \(item.text.debugDescription)")
            #expect(TestSupport.cosine(vector, item.embedding) >= 0.99999)
        }
        print("golden parity: \(cases.count) texts, worst max abs difference \(worst)")
    }

    @Test func embeddingsAreUnitLength() throws {
        let vector = try TestSupport.encoder().embed("Unit length after the Normalize module.")
        let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }
}
