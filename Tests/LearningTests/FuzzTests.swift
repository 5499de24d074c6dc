import FuzzSupport
import Foundation
import Testing
import VectorStore
@testable import Learning

/// Seeded mutation fuzzing of curriculum import lines, bounded in time: every line parses to a
/// record or a typed error; graded answers of any JSON shape are a result or a typed error.
@Suite struct CurriculumFuzzTests {
    @Test func importLinesNeverCrashTheParser() {
        var mutator = Mutator(seed: 0x5EED_0301, seeds: smallCurriculum.map { Array($0.utf8) })
        var records: [String: [String]] = [:]
        var parsed = 0
        let ran = mutator.run(seconds: 3) { bytes in
            guard let json = try? JSONValue.parse(bytes, rejectingNUL: true),
                  let record = try? CurriculumParser.record(json) else { return }
            parsed += 1
            if case let .concept(concept) = record { records[concept.id] = concept.prerequisites }
        }
        _ = LearningEngine.conceptsOnCycles(records)
        #expect(ran > 1_000 && parsed > 0, "\(ran) inputs, \(parsed) parsed")
    }

    @Test func gradingTakesAnyAnswer() throws {
        let items = smallCurriculum.compactMap { line -> AssessmentItem? in
            guard let json = try? JSONValue.parse(Array(line.utf8)), case let .assessmentItem(item)? = try? CurriculumParser.record(json) else { return nil }
            return item
        }
        #expect(!items.isEmpty)
        let answers = [#""1/4""#, "0.25", "1", #"["x"]"#, #"{"a":1}"#, "null", "true", #""the nucleus""#, "-1e308"].map { Array($0.utf8) }
        var mutator = Mutator(seed: 0x5EED_0302, seeds: answers)
        let ran = mutator.run(seconds: 2) { bytes in
            guard let answer = try? JSONValue.parse(bytes) else { return }
            for item in items {
                if let score = try? Grader.grade(answer: answer, score: nil, key: item.key) {
                    #expect((0...1).contains(score))
                }
            }
        }
        #expect(ran > 1_000)
    }
}
