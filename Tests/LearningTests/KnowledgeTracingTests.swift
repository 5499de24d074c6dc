import Testing
import VectorStore
@testable import Learning

@Suite struct KnowledgeTracingTests {
    let p = BKTParameters(pInit: 0.3, pLearn: 0.15, pSlip: 0.1, pGuess: 0.2)

    @Test func updatesMatchHandComputedValues() {
        // right: 0.3·0.9 / (0.3·0.9 + 0.7·0.2) = 0.27/0.41 = 0.6585366; + (1 - 0.6585366)·0.15 = 0.7097561
        #expect(abs(KnowledgeTracing.update(0.3, score: 1, parameters: p) - 0.7097561) < 1e-6)
        // wrong: 0.3·0.1 / (0.03 + 0.7·0.8) = 0.03/0.59 = 0.0508475; + 0.9491525·0.15 = 0.1932203
        #expect(abs(KnowledgeTracing.update(0.3, score: 0, parameters: p) - 0.1932203) < 1e-6)
        // half credit: 0.5·0.6585366 + 0.5·0.0508475 = 0.3546921; + 0.6453079·0.15 = 0.4514882
        #expect(abs(KnowledgeTracing.update(0.3, score: 0.5, parameters: p) - 0.4514882) < 1e-6)
        // a second right answer from 0.7097561: 0.6387805/(0.6387805 + 0.0580488) = 0.9166970; + 0.0833030·0.15 = 0.9291915
        let twice = KnowledgeTracing.update(KnowledgeTracing.update(0.3, score: 1, parameters: p), score: 1, parameters: p)
        #expect(abs(twice - 0.9291915) < 1e-6)
    }

    @Test func masteryRisesWithRightAnswersAndFallsWithWrongOnes() {
        var known = 0.3
        for _ in 0..<6 { known = KnowledgeTracing.update(known, score: 1, parameters: p) }
        #expect(known > KnowledgeTracing.masteredThreshold)
        // Near certainty, a wrong answer is weak evidence (a slip), but each one lowers the estimate.
        for _ in 0..<3 {
            let next = KnowledgeTracing.update(known, score: 0, parameters: p)
            #expect(next < known)
            known = next
        }
        var fresh = p.pInit
        for _ in 0..<3 { fresh = KnowledgeTracing.update(fresh, score: 0, parameters: p) }
        #expect(fresh < p.pInit)
    }

    @Test func prerequisitesComeFirstAndNeedOrdersTheRest() {
        let concepts: [String: Concept] = [
            "a": Concept(id: "a", name: "a", description: "", prerequisites: [], bkt: .standard),
            "b": Concept(id: "b", name: "b", description: "", prerequisites: ["a"], bkt: .standard),
            "c": Concept(id: "c", name: "c", description: "", prerequisites: ["b"], bkt: .standard),
            "d": Concept(id: "d", name: "d", description: "", prerequisites: [], bkt: .standard),
        ]
        // c is weakest, but its prerequisites b and a are not ready: a, b, c; d (need 0.5) after.
        let order = Recommender.focusOrder(mastery: ["a": 0.45, "b": 0.4, "c": 0.05, "d": 0.5], concepts: concepts).map(\.id)
        #expect(order == ["a", "b", "c", "d"])
        // A ready prerequisite (0.8, at least readyLevel) does not block: c first; mastered concepts are left out.
        #expect(Recommender.focusOrder(mastery: ["a": 0.99, "b": 0.8, "c": 0.05, "d": 0.5], concepts: concepts).map(\.id) == ["c", "d", "b"])
        #expect(Recommender.focusOrder(mastery: ["a": 0.99, "b": 0.99, "c": 0.99, "d": 0.99], concepts: concepts).isEmpty)
    }

    @Test func difficultyFitAndDiversity() {
        #expect(Recommender.difficultyFit(1, mastery: 0) == 1)
        #expect(Recommender.difficultyFit(5, mastery: 1) == 1)
        #expect(Recommender.difficultyFit(5, mastery: 0) == 0)
        #expect(Recommender.difficultyFit(3, mastery: 0.5) == 1)
        // Two near-duplicates and one distinct item: MMR takes the best, then the distinct one.
        let chosen = Recommender.maximalMarginalRelevance([
            .init(id: "x", relevance: 0.9, embedding: [1, 0]),
            .init(id: "x2", relevance: 0.89, embedding: [1, 0]),
            .init(id: "y", relevance: 0.7, embedding: [0, 1]),
        ], count: 2)
        #expect(chosen.map(\.0.id) == ["x", "y"])
    }
}

@Suite struct GradingTests {
    @Test func exactKeys() throws {
        let key = AnswerKey.exact(answer: "Nucleus", accepted: ["the nucleus"])
        #expect(try Grader.grade(answer: "  nucleus ", score: nil, key: key) == 1)
        #expect(try Grader.grade(answer: "THE   Nucleus", score: nil, key: key) == 1)
        #expect(try Grader.grade(answer: "cell wall", score: nil, key: key) == 0)
        #expect(throws: LearningError.self) { try Grader.grade(answer: 3, score: nil, key: key) }
        #expect(throws: LearningError.self) { try Grader.grade(answer: nil, score: nil, key: key) }
    }

    @Test func numericKeys() throws {
        let key = AnswerKey.numeric(answer: 0.375, tolerance: 0.001)
        #expect(try Grader.grade(answer: .double(0.3751), score: nil, key: key) == 1)
        #expect(try Grader.grade(answer: "3/8", score: nil, key: key) == 1)
        #expect(try Grader.grade(answer: "0.375", score: nil, key: key) == 1)
        #expect(try Grader.grade(answer: .double(0.38), score: nil, key: key) == 0)
        #expect(try Grader.grade(answer: "2 3/4", score: nil, key: .numeric(answer: 2.75, tolerance: 0)) == 1)
        #expect(try Grader.grade(answer: 15, score: nil, key: .numeric(answer: 15, tolerance: 0)) == 1)
        #expect(throws: LearningError.invalidAnswer("answer must be a number, got 'many'")) { try Grader.grade(answer: "many", score: nil, key: key) }
        #expect(throws: LearningError.self) { try Grader.grade(answer: [1], score: nil, key: key) }
    }

    @Test func multipleChoiceKeys() throws {
        let key = AnswerKey.multipleChoice(choices: ["2/5", "5/6", "1/5"], answer: 1)
        #expect(try Grader.grade(answer: 1, score: nil, key: key) == 1)
        #expect(try Grader.grade(answer: "B", score: nil, key: key) == 1)
        #expect(try Grader.grade(answer: "5/6", score: nil, key: key) == 1)
        #expect(try Grader.grade(answer: 0, score: nil, key: key) == 0)
        #expect(try Grader.grade(answer: "a", score: nil, key: key) == 0)
        #expect(throws: LearningError.self) { try Grader.grade(answer: 3, score: nil, key: key) }
        #expect(throws: LearningError.self) { try Grader.grade(answer: "Z", score: nil, key: key) }
        #expect(throws: LearningError.self) { try Grader.grade(answer: true, score: nil, key: key) }
    }

    @Test func itemsWithoutKeyTakeASuppliedScore() throws {
        #expect(try Grader.grade(answer: "essay", score: 0.7, key: nil) == 0.7)
        #expect(throws: LearningError.self) { try Grader.grade(answer: "essay", score: nil, key: nil) }
        #expect(throws: LearningError.self) { try Grader.grade(answer: nil, score: 1.5, key: nil) }
        #expect(throws: LearningError.self) { try Grader.grade(answer: nil, score: -0.1, key: nil) }
        #expect(throws: LearningError.self) { try Grader.grade(answer: 1, score: 2, key: .numeric(answer: 1, tolerance: 0)) }
    }
}
