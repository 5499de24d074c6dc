import Foundation
import LodestarSupport
import Testing
import VectorStore
@testable import Learning

@Suite(.serialized) struct LearningEngineTests {
    @Test func importValidatesEverythingFirstAndAppliesNothingOnError() async throws {
        let world = try World()
        defer { world.cleanup() }
        let bad = jsonl([
            smallCurriculum[0],
            #"{"record":"concept","id":"x","name":"X","description":"x","prerequisites":["missing"]}"#,
            "",
            #"{"record":"content","id":"y","title":"Y","text":"y","concept_ids":["a"],"kind":"podcast","difficulty":2}"#,
            #"{"record":"content","id":"z","title":"Z","text":"z","concept_ids":["a"],"kind":"lesson","difficulty":9}"#,
            #"{"record":"student","id":"s9","class_id":"nope","name":"N"}"#,
            #"{"record":"assessment_item","id":"q","concept_ids":["a"],"prompt":"p","key":{"type":"multiple_choice","choices":["x","y"],"answer":5}}"#,
            "not json",
            #"{"record":"lesson_plan","id":"w"}"#,
            #"{"record":"concept","id":"a","name":"again","description":"dup"}"#,
            #"{"record":"concept","id":"p","name":"P","description":"p","prerequisites":["q2"]}"#,
            #"{"record":"concept","id":"q2","name":"Q","description":"q","prerequisites":["p"]}"#,
        ])
        var problems: [ImportProblem] = []
        do {
            _ = try await world.engine.importJSONL(bad)
            Issue.record("import should fail")
        } catch {
            if case let .importFailed(found) = error { problems = found }
        }
        #expect(Set(problems.map(\.line)) == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(problems.first { $0.line == 4 }?.message.contains("kind") == true)
        #expect(problems.first { $0.line == 11 }?.message.contains("cycle") == true)
        #expect(world.engine.isEmpty)
        #expect(world.store.listCollections().isEmpty)
        let summary = try await world.engine.importJSONL(jsonl(smallCurriculum))
        #expect(summary == ImportSummary(concepts: 4, content: 5, assessmentItems: 4, classes: 1, students: 2))
        #expect(try world.store.count(LearningEngine.contentCollection) == 5)
        // re-import replaces; a reopened engine reads the same catalog
        _ = try await world.engine.importJSONL(jsonl([#"{"record":"student","id":"s1","class_id":"k1","name":"Samuel"}"#]))
        let reopened = try LearningEngine(store: world.store, publisher: nil)
        #expect(try reopened.student("s1").name == "Samuel")
        #expect(reopened.counts.concepts == 4 && reopened.counts.content == 5 && reopened.counts.items == 4)
        #expect(try reopened.assessmentItem("qb").key == .multipleChoice(choices: ["2/5", "5/6"], answer: 1))
    }

    @Test func submissionsUpdateMasteryAndPublishEvents() async throws {
        let world = try World()
        defer { world.cleanup() }
        _ = try await world.engine.importJSONL(jsonl(smallCurriculum))
        let graded = try await world.engine.submit(SubmissionRequest(studentID: "s1", itemID: "qa", answer: "1/4"))
        #expect(graded.correct && graded.score == 1 && graded.classID == "k1")
        #expect(graded.mastery.count == 1)
        #expect(abs(graded.mastery[0].after - 0.7097561) < 1e-6 && graded.mastery[0].before == 0.3)
        let wrong = try await world.engine.submit(SubmissionRequest(studentID: "s1", itemID: "qa", answer: 0.5))
        #expect(!wrong.correct && abs(wrong.mastery[0].before - 0.7097561) < 1e-6)
        // an item of two concepts updates both; an item without a key takes the score
        let essay = try await world.engine.submit(SubmissionRequest(studentID: "s1", itemID: "qe", answer: "because", score: 0.5))
        #expect(Set(essay.mastery.map(\.conceptID)) == ["a", "d"])
        let state = try await world.engine.knowledgeState(studentID: "s1")
        let a = try #require(state.first { $0.conceptID == "a" })
        #expect(a.attempts == 3 && a.history.count == 3 && a.history[1].before == a.history[0].after)
        #expect(state.first { $0.conceptID == "c" }?.mastery == 0.3)
        let graded2 = await world.events.bodies("assessment_graded")
        #expect(graded2.count == 3)
        #expect(graded2[0]["student_id"] == "s1" && graded2[0]["class_id"] == "k1" && graded2[0]["data"]?["score"] == .double(1))
        let mastery = await world.events.bodies("mastery_updated")
        #expect(mastery.count == 3 && mastery[0]["data"]?["a"] == .double(graded.mastery[0].after))
        #expect(mastery[2]["summary"]?["submissions"] == .int(3) && mastery[2]["summary"]?["average_score"] == .double(0.5))
        #expect(mastery[2]["summary"]?["mastery"] == nil && mastery[2]["summary"]?["last_activity"] == nil)
        let updates = await world.events.events.filter { $0.type == "student_update" }
        #expect(updates.count == 3 && updates.allSatisfy { $0.channels == ["student:s1"] })
    }

    @Test func badSubmissionsStoreNothing() async throws {
        let world = try World()
        defer { world.cleanup() }
        _ = try await world.engine.importJSONL(jsonl(smallCurriculum))
        let bad: [(SubmissionRequest, LearningError)] = [
            (SubmissionRequest(studentID: "ghost", itemID: "qa", answer: 1), .studentNotFound("ghost")),
            (SubmissionRequest(studentID: "s1", itemID: "nope", answer: 1), .itemNotFound("nope")),
            (SubmissionRequest(studentID: "s1", itemID: "qa", answer: "lots"), .invalidAnswer("answer must be a number, got 'lots'")),
            (SubmissionRequest(studentID: "s1", itemID: "qb", answer: 7), .invalidAnswer("choice 7 does not exist (0...1)")),
            (SubmissionRequest(studentID: "s1", itemID: "qd", answer: 42), .invalidAnswer("answer must be text, not integer")),
            (SubmissionRequest(studentID: "s1", itemID: "qe", score: 1.5), .invalidArgument("score must be between 0 and 1, got 1.5")),
            (SubmissionRequest(studentID: "s1", itemID: "qe"), .invalidArgument("this item has no answer key: supply a score between 0 and 1")),
            (SubmissionRequest(studentID: "s1", itemID: "qa"), .invalidArgument("this item has an answer key: supply an answer")),
        ]
        for (request, expected) in bad {
            await #expect(throws: expected) { try await world.engine.submit(request) }
        }
        #expect(try await world.submissionCount() == 0)
        #expect(await world.events.events.isEmpty)
        let results = await world.engine.batchGrade([bad[0].0, SubmissionRequest(studentID: "s2", itemID: "qd", answer: "The Nucleus"), bad[2].0])
        #expect(results.map { (try? $0.get()) != nil } == [false, true, false])
        #expect(try await world.submissionCount() == 1)
    }

    @Test func pathsFollowPrerequisitesSkipCompletedAndPublish() async throws {
        let world = try World()
        defer { world.cleanup() }
        _ = try await world.engine.importJSONL(jsonl(smallCurriculum))
        // s1 knows cells (d) well and fractions (a) badly.
        for _ in 0..<5 { _ = try await world.engine.submit(SubmissionRequest(studentID: "s1", itemID: "qd", answer: "nucleus")) }
        for _ in 0..<2 { _ = try await world.engine.submit(SubmissionRequest(studentID: "s1", itemID: "qa", answer: 0.9)) }
        let path = try await world.engine.learningPath(studentID: "s1", maxItems: 3)
        #expect(path.focus.map(\.conceptID) == ["a", "b", "c"])
        #expect(path.recommendations.count == 3)
        #expect(!path.recommendations.contains { $0.conceptID == "d" })
        #expect(path.recommendations.allSatisfy { !$0.reason.isEmpty && !$0.title.isEmpty && $0.score.isFinite })
        #expect(path.recommendations.first?.conceptID == "a")
        try await world.engine.complete(studentID: "s1", contentIDs: ["a1", "a2"])
        let after = try await world.engine.learningPath(studentID: "s1", maxItems: 5)
        #expect(!after.recommendations.contains { $0.itemID == "a1" || $0.itemID == "a2" })
        #expect(Set(after.recommendations.map(\.itemID)) == ["b1", "c1"])
        let events = await world.events.bodies("recommendation_generated")
        #expect(events.count == 2)
        #expect(events[1]["student_id"] == "s1" && events[1]["class_id"] == "k1")
        if case let .array(items)? = events[1]["recommendations"] {
            #expect(items.count == 2 && items.allSatisfy { $0["item_id"] != nil && $0["reason"] != nil && $0["concept_id"] != nil })
        } else {
            Issue.record("recommendations missing")
        }
        await #expect(throws: LearningError.studentNotFound("ghost")) { try await world.engine.learningPath(studentID: "ghost") }
        await #expect(throws: LearningError.self) { try await world.engine.learningPath(studentID: "s1", maxItems: 0) }
        // class plan: s1 (weak a/b) and s2 (untouched: everything at p_init) grouped by their weak concepts
        let plan = try await world.engine.classPlan(classID: "k1", maxItems: 2)
        #expect(plan.groups.flatMap(\.studentIDs).sorted() == ["s1", "s2"])
        #expect(plan.groups.allSatisfy { $0.conceptIDs.count == 2 && !$0.recommendations.isEmpty })
        #expect(plan.groups.first { $0.studentIDs.contains("s1") }?.conceptIDs == ["a", "b"])
    }

    /// Students with hidden true mastery answer every item with slip/guess noise; then at least 90%
    /// of each one's top-5 recommendations target concepts they have not mastered, and none is an
    /// item they completed.
    @Test func simulatedStudentsGetRecommendationsForWhatTheyDoNotKnow() async throws {
        let world = try World()
        defer { world.cleanup() }
        let curriculum = try #require(DemoCurriculum.jsonl)
        _ = try await world.engine.importJSONL(curriculum)
        let concepts = world.engine.concepts
        let items = world.engine.catalog.read { Array($0.items.values) }.filter { $0.key != nil }.sorted { $0.id < $1.id }
        let content = world.engine.catalog.read { Array($0.content.keys) }.sorted()
        var random = SeededRandom(state: 77)
        var worst = 1.0
        for index in 0..<12 {
            let studentID = "sim_\(index)"
            _ = try await world.engine.importJSONL(jsonl([#"{"record":"student","id":"\#(studentID)","class_id":"class_001","name":"Sim \#(index)"}"#]))
            var knows: [String: Bool] = [:]
            for concept in concepts { knows[concept.id] = random.unit() < 0.5 }
            for item in items {
                let known = item.conceptIDs.allSatisfy { knows[$0] ?? false }
                let right = known ? random.unit() > 0.1 : random.unit() < 0.2
                _ = try await world.engine.submit(SubmissionRequest(studentID: studentID, itemID: item.id,
                                                                    answer: DemoCurriculum.answer(for: item.key!, right: right)))
            }
            let completed = (0..<15).map { _ in content[Int(random.unit() * Double(content.count))] }
            try await world.engine.complete(studentID: studentID, contentIDs: completed)
            let path = try await world.engine.learningPath(studentID: studentID, maxItems: 5)
            #expect(path.recommendations.count == 5)
            #expect(Set(path.recommendations.map(\.itemID)).isDisjoint(with: Set(completed)))
            let onTarget = path.recommendations.filter { !(knows[$0.conceptID] ?? true) }.count
            let share = Double(onTarget) / Double(max(path.recommendations.count, 1))
            worst = min(worst, share)
            #expect(share >= 0.9, "student \(index): \(onTarget)/\(path.recommendations.count) on unmastered concepts; \(path.recommendations.map(\.conceptID)); focus \(path.focus); knows \(knows.filter(\.value).keys.sorted())")
        }
        print("simulation: worst share of recommendations on unmastered concepts = \(worst)")
    }

    /// A student with hundreds of completed items still gets paths (the engine's own exclusion
    /// filter once compiled to one SQL term per item, past SQLite's depth limit at ~500), and none
    /// of the completed items is recommended.
    @Test func pathsScaleWithCompletedItems() async throws {
        let world = try World()
        defer { world.cleanup() }
        let extra = (0..<620).map { i in
            #"{"record":"content","id":"x\#(i)","title":"Fraction drill \#(i)","text":"Fraction drill number \#(i): shade parts of a whole.","concept_ids":["a"],"kind":"exercise","difficulty":\#(1 + i % 5)}"#
        }
        _ = try await world.engine.importJSONL(jsonl(smallCurriculum + extra))
        let completed = (0..<600).map { "x\($0)" } + ["a1", "a2"]
        try await world.engine.complete(studentID: "s1", contentIDs: completed)
        let path = try await world.engine.learningPath(studentID: "s1", maxItems: 8)
        let recommended = path.recommendations.map(\.itemID)
        #expect(!recommended.isEmpty)
        #expect(Set(recommended).isDisjoint(with: Set(completed)))
    }
}

/// The import's cycle check: iterative (no recursion for chains of any length), linear, and
/// exact against a brute-force reference on random graphs.
@Suite struct PrerequisiteCycleTests {
    @Test func longChainsAndLongCyclesNeedNoRecursion() {
        let n = 200_000
        var chain: [String: [String]] = [:]
        for i in 0..<n { chain["c\(i)"] = i == 0 ? [] : ["c\(i - 1)"] }
        #expect(LearningEngine.conceptsOnCycles(chain).isEmpty)
        chain["c0"] = ["c\(n - 1)"]
        #expect(LearningEngine.conceptsOnCycles(chain).count == n)
    }

    @Test func matchesReachabilityOnRandomGraphs() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<300 {
            let count = 1 + next(12)
            var graph: [String: [String]] = [:]
            for i in 0..<count {
                graph["n\(i)"] = (0..<next(3)).map { _ in next(5) == 0 ? "unknown" : "n\(next(count))" }
            }
            // Reference: a concept lies on a cycle iff it reaches itself in one or more steps.
            var expected = Set<String>()
            for start in graph.keys {
                var seen = Set<String>(), frontier = graph[start] ?? []
                while let node = frontier.popLast() {
                    if node == start { expected.insert(start); break }
                    if graph[node] != nil, seen.insert(node).inserted { frontier += graph[node] ?? [] }
                }
            }
            #expect(LearningEngine.conceptsOnCycles(graph) == expected, "\(graph)")
        }
    }

    @Test func aTwentyThousandLongChainImportsAndACycleInItIsFound() async throws {
        let world = try World()
        defer { world.cleanup() }
        let n = 20_000
        var lines = (0..<n).map { i in
            #"{"record":"concept","id":"k\#(i)","name":"K\#(i)","description":"step \#(i)","prerequisites":[\#(i == 0 ? "" : "\"k\(i - 1)\"")]}"#
        }
        lines[0] = #"{"record":"concept","id":"k0","name":"K0","description":"step 0","prerequisites":["k\#(n - 1)"]}"#
        do {
            _ = try await world.engine.importJSONL(jsonl(lines))
            Issue.record("a 20,000-long cycle was accepted")
        } catch {
            guard case let .importFailed(problems) = error else { Issue.record("unexpected \(error)"); return }
            #expect(problems.count == n && problems.allSatisfy { $0.message.contains("cycle") })
        }
        #expect(world.engine.isEmpty)
    }
}
