import Embeddings
import Foundation
import Realtime
import VectorStore
@testable import Learning

/// The real engine as the store's embedder (loaded once).
final class EncoderEmbedder: DocumentEmbedder, @unchecked Sendable {
    static let shared: EncoderEmbedder? = (try? SentenceEncoder(directory: ModelLocator.resolve())).map(EncoderEmbedder.init)
    let encoder: SentenceEncoder
    let modelName = "all-MiniLM-L6-v2"
    var dimension: Int { encoder.dimension }
    init(_ encoder: SentenceEncoder) { self.encoder = encoder }
    func embed(_ texts: [String]) async throws -> [[Float]] { encoder.embed(texts) }
}

/// Collects published events.
actor EventLog: EventPublisher {
    private(set) var events: [RealtimeEvent] = []
    func publish(_ event: RealtimeEvent) { events.append(event) }
    func bodies(_ type: String) -> [JSONValue] {
        events.filter { $0.type == type }.compactMap { try? JSONValue.parse($0.body) }
    }
}

/// A store and engine in a temporary directory.
struct World {
    let directory: String
    let store: Store
    let engine: LearningEngine
    let events = EventLog()

    init() throws {
        directory = NSTemporaryDirectory() + "lodestar-learning-\(UUID().uuidString)"
        guard let embedder = EncoderEmbedder.shared else { throw LearningError.storage("model missing: run bash models/fetch.sh") }
        store = try Store(directory: directory, embedder: embedder)
        engine = try LearningEngine(store: store, publisher: events)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: directory) }

    func submissionCount() async throws -> Int {
        try await store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM learning_submissions") ?? 0 }
    }
}

func jsonl(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\n").utf8) }

/// A small curriculum: a -> b -> c (prerequisites), d alone.
let smallCurriculum = [
    #"{"record":"concept","id":"a","name":"Fractions","description":"Fractions name parts of a whole.","bkt":{"p_init":0.3,"p_learn":0.15,"p_slip":0.1,"p_guess":0.2}}"#,
    #"{"record":"concept","id":"b","name":"Adding fractions","description":"Add fractions with a common denominator.","prerequisites":["a"]}"#,
    #"{"record":"concept","id":"c","name":"Fraction equations","description":"Solve equations with fractions.","prerequisites":["b"]}"#,
    #"{"record":"concept","id":"d","name":"Cells","description":"Cells are the units of life."}"#,
    #"{"record":"content","id":"a1","title":"What is a fraction","text":"A fraction has a numerator and a denominator.","concept_ids":["a"],"kind":"lesson","difficulty":1}"#,
    #"{"record":"content","id":"a2","title":"Fraction practice","text":"Shade three quarters of a bar.","concept_ids":["a"],"kind":"exercise","difficulty":2}"#,
    #"{"record":"content","id":"b1","title":"Common denominators","text":"Rename fractions over a common denominator before adding.","concept_ids":["b"],"kind":"lesson","difficulty":2}"#,
    #"{"record":"content","id":"c1","title":"Equations with fractions","text":"Multiply both sides by the denominator.","concept_ids":["c"],"kind":"video","difficulty":3}"#,
    #"{"record":"content","id":"d1","title":"Cell parts","text":"The membrane, cytoplasm and nucleus.","concept_ids":["d"],"kind":"lesson","difficulty":1}"#,
    #"{"record":"assessment_item","id":"qa","concept_ids":["a"],"prompt":"What is 1/4 as a decimal?","key":{"type":"numeric","answer":0.25,"tolerance":0.001}}"#,
    #"{"record":"assessment_item","id":"qb","concept_ids":["b"],"prompt":"Which is 1/2 + 1/3?","key":{"type":"multiple_choice","choices":["2/5","5/6"],"answer":1}}"#,
    #"{"record":"assessment_item","id":"qd","concept_ids":["d"],"prompt":"Where is DNA kept?","key":{"type":"exact","answer":"nucleus","accepted":["the nucleus"]}}"#,
    #"{"record":"assessment_item","id":"qe","concept_ids":["a","d"],"prompt":"Explain.","key":null}"#,
    #"{"record":"class","id":"k1","name":"Class one","teacher":"T"}"#,
    #"{"record":"student","id":"s1","class_id":"k1","name":"Sam"}"#,
    #"{"record":"student","id":"s2","class_id":"k1","name":"Ana"}"#,
]
