import Foundation
import LodestarSupport
import VectorStore

/// The embedded demo: a middle-school maths and science curriculum written for this project
/// (24 concepts with prerequisites, 216 content items, 139 assessment items) and class `class_001`
/// of 30 students, whose history is simulated on load.
public enum DemoCurriculum {
    /// The demo class.
    public static let classID = "class_001"

    /// The curriculum as import JSONL (a package resource).
    public static var jsonl: [UInt8]? {
        guard let url = Bundle.module.url(forResource: "demo-curriculum", withExtension: "jsonl"),
              let data = try? Data(contentsOf: url) else { return nil }
        return Array(data)
    }

    /// Imports the curriculum, then simulates each student's history: a hidden true mastery per
    /// concept (from a per-student ability, lower for concepts deeper in the prerequisite graph),
    /// about 25 answered items each with BKT-style slip and guess noise, and some completed
    /// lessons. Deterministic for a seed.
    @discardableResult
    public static func load(into engine: LearningEngine, seed: UInt64 = 2026, now: Date = Date()) async throws -> ImportSummary {
        guard let bytes = jsonl else { throw LearningError.storage("demo-curriculum.jsonl resource is missing") }
        let summary = try await engine.importJSONL(bytes)
        try await simulateHistory(engine: engine, classID: classID, seed: seed, now: now)
        return summary
    }

    static func simulateHistory(engine: LearningEngine, classID: String, seed: UInt64, now: Date) async throws {
        var random = SeededRandom(state: seed)
        let concepts = engine.concepts
        let depth = depths(concepts)
        let snapshot = engine.catalog.read { $0 }
        let items = snapshot.items.values.sorted { $0.id < $1.id }
        let lessons = snapshot.content.values.sorted { $0.id < $1.id }
        for student in try engine.students(inClass: classID) {
            let ability = 0.25 + 0.65 * random.unit()
            var knows: [String: Bool] = [:]
            for concept in concepts {
                knows[concept.id] = random.unit() < ability - 0.08 * Double(depth[concept.id] ?? 0)
            }
            let count = 18 + Int(random.unit() * 14)
            for index in 0..<count {
                let item = items[Int(random.unit() * Double(items.count)) % items.count]
                let known = item.conceptIDs.allSatisfy { knows[$0] ?? false }
                let at = now.addingTimeInterval(-Double(count - index) * 3600 * 11 - random.unit() * 3000)
                let request: SubmissionRequest
                if let key = item.key {
                    let right = known ? random.unit() > 0.1 : random.unit() < guessChance(key)
                    request = SubmissionRequest(studentID: student.id, itemID: item.id, answer: answer(for: key, right: right), submittedAt: at)
                } else {
                    request = SubmissionRequest(studentID: student.id, itemID: item.id, score: known ? 0.8 : 0.3, submittedAt: at)
                }
                _ = try await engine.submit(request, publishEvents: false)
            }
            let done = (0..<4).map { _ in lessons[Int(random.unit() * Double(lessons.count)) % lessons.count].id }
            try await engine.complete(studentID: student.id, contentIDs: Array(Set(done)), at: now.addingTimeInterval(-86400))
        }
    }

    static func guessChance(_ key: AnswerKey) -> Double {
        if case let .multipleChoice(choices, _) = key { return 1 / Double(choices.count) }
        return 0.1
    }

    /// A right or a wrong answer to `key`.
    public static func answer(for key: AnswerKey, right: Bool) -> JSONValue {
        switch key {
        case let .exact(answer, _): return .string(right ? answer : "not sure")
        case let .numeric(answer, tolerance): return .double(right ? answer : answer + 1 + 2 * tolerance)
        case let .multipleChoice(choices, answer): return .int(Int64(right ? answer : (answer + 1) % choices.count))
        }
    }

    /// Length of the longest prerequisite chain below each concept.
    static func depths(_ concepts: [Concept]) -> [String: Int] {
        let byID = Dictionary(uniqueKeysWithValues: concepts.map { ($0.id, $0) })
        var memo: [String: Int] = [:]
        func depth(_ id: String, _ guardCount: Int) -> Int {
            if let known = memo[id] { return known }
            guard guardCount < 64 else { return 0 }
            let value = (byID[id]?.prerequisites ?? []).map { depth($0, guardCount + 1) + 1 }.max() ?? 0
            memo[id] = value
            return value
        }
        for concept in concepts { _ = depth(concept.id, 0) }
        return memo
    }
}
