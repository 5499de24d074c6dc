import Foundation
import GRDB
import VectorStore

extension LearningEngine {
    /// How many concepts a path focuses on.
    static let focusConcepts = 3
    /// Concepts after the first join a path's focus only below this mastery.
    static let likelyUnknown = 0.5

    /// A student's learning path: the concepts most in need (prerequisites first), then content for
    /// them found through the vector index — queried with the concept's description and the
    /// prompts of items the student recently got wrong (the mean of their embeddings), filtered to
    /// the concept, excluding items the student completed — ranked by similarity, difficulty fitted
    /// to the current mastery and need, and diversified by maximal marginal relevance. Publishes
    /// `recommendation_generated`.
    public func learningPath(studentID: String, maxItems: Int = 5) async throws(LearningError) -> LearningPath {
        guard (1...50).contains(maxItems) else { throw .invalidArgument("max_items must be between 1 and 50") }
        let student = try student(studentID)
        let (mastery, wrongRows, completedRows): ([String: Double], [String], [String]) = try await reading { db in
            var mastery: [String: Double] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT concept_id, p_known FROM learning_mastery WHERE student_id = ?", arguments: [student.id]) {
                mastery[row["concept_id"]] = row["p_known"]
            }
            return (mastery,
                    try String.fetchAll(db, sql: "SELECT item_id FROM learning_submissions WHERE student_id = ? AND correct = 0 ORDER BY id DESC LIMIT 20",
                                        arguments: [student.id]),
                    try String.fetchAll(db, sql: """
                        SELECT content_id FROM learning_completions WHERE student_id = ?
                        UNION SELECT item_id FROM learning_submissions WHERE student_id = ?
                        """, arguments: [student.id, student.id]))
        }
        let snapshot = catalog.read { $0 }
        let order = Recommender.focusOrder(mastery: mastery, concepts: snapshot.concepts)
        // The first concept in study order, then others only while the student more likely does
        // not know them (estimate below 0.5): every recommendation should target a gap.
        let focusWithNeed = Array(order.enumerated().filter { index, entry in
            index == 0 || (mastery[entry.id] ?? snapshot.concepts[entry.id]?.bkt.pInit ?? 0) < Self.likelyUnknown
        }.map(\.element).prefix(Self.focusConcepts))
        let focus = focusWithNeed.map(\.id)
        let completed = Set(completedRows)
        var candidates: [String: (candidate: Recommender.Candidate, conceptID: String, similarity: Double)] = [:]
        for (rank, (conceptID, need)) in focusWithNeed.enumerated() {
            guard let concept = snapshot.concepts[conceptID], var query = snapshot.conceptEmbeddings[conceptID] else { continue }
            let missed = wrongRows.filter { snapshot.items[$0]?.conceptIDs.contains(conceptID) ?? false }.prefix(5)
            for itemID in missed {
                guard let vector = snapshot.itemEmbeddings[itemID], vector.count == query.count else { continue }
                for i in query.indices { query[i] += vector[i] }
            }
            query = VectorMath.normalized(query)
            let level = mastery[conceptID] ?? concept.bkt.pInit
            let hits = try await searchContent(query, conceptIDs: [conceptID], excluding: completed, count: max(10, maxItems * 3))
            for hit in hits {
                guard let item = snapshot.content[hit.id] else { continue }
                // Similarity to the query, difficulty fitted to the mastery, the concept's need, and
                // its place in the study order.
                let relevance = 0.45 * hit.similarity + 0.25 * Recommender.difficultyFit(item.difficulty, mastery: level)
                    + 0.2 * need + 0.1 * Double(Self.focusConcepts - rank) / Double(Self.focusConcepts)
                if relevance > candidates[hit.id]?.candidate.relevance ?? -.infinity {
                    candidates[hit.id] = (Recommender.Candidate(id: hit.id, relevance: relevance, embedding: hit.embedding), conceptID, hit.similarity)
                }
            }
        }
        // MMR picks the set; the path lists it in study order (prerequisites first), best first within a concept.
        let chosen = Recommender.maximalMarginalRelevance(Array(candidates.values.map(\.candidate)).sorted { $0.id < $1.id }, count: maxItems)
            .sorted { a, b in
                let ra = focus.firstIndex(of: candidates[a.0.id]?.conceptID ?? "") ?? focus.count
                let rb = focus.firstIndex(of: candidates[b.0.id]?.conceptID ?? "") ?? focus.count
                return (ra, -a.1, a.0.id) < (rb, -b.1, b.0.id)
            }
        let dependents = snapshot.dependents
        let recommendations: [Recommendation] = chosen.compactMap { candidate, score in
            guard let item = snapshot.content[candidate.id], let entry = candidates[candidate.id],
                  let concept = snapshot.concepts[entry.conceptID] else { return nil }
            let level = mastery[concept.id] ?? concept.bkt.pInit
            var reason = "\(concept.name) is at \(Int((level * 100).rounded()))% mastery: \(Self.phrase(item.kind)) at difficulty \(item.difficulty)"
            let weakerDependent = (dependents[concept.id] ?? []).filter { focus.contains($0) }.first
            if let weakerDependent, let name = snapshot.concepts[weakerDependent]?.name {
                reason += ", a foundation for \(name)"
            } else if wrongRows.contains(where: { snapshot.items[$0]?.conceptIDs.contains(concept.id) ?? false }) {
                reason += ", close to questions you missed"
            }
            return Recommendation(itemID: item.id, title: item.title, conceptID: concept.id, conceptName: concept.name, kind: item.kind,
                                  difficulty: item.difficulty, score: score, reason: reason)
        }
        let path = LearningPath(studentID: student.id, classID: student.classID,
                                focus: focus.map { ($0, mastery[$0] ?? snapshot.concepts[$0]?.bkt.pInit ?? 0) },
                                recommendations: recommendations)
        await publish("recommendation_generated", student: student, classID: nil,
                      fields: ["recommendations": .array(recommendations.map(\.json))])
        return path
    }

    /// Students of a class grouped by their two weakest concepts (in study order), each group with
    /// content for those concepts. Publishes one class-level `recommendation_generated`.
    public func classPlan(classID: String, maxItems: Int = 5) async throws(LearningError) -> ClassPlan {
        guard (1...50).contains(maxItems) else { throw .invalidArgument("max_items must be between 1 and 50") }
        let students = try students(inClass: classID)
        let masteries = try await masteryByStudent(classID: classID)
        let snapshot = catalog.read { $0 }
        var groups: [[String]: [String]] = [:]
        var mastered: [String] = []
        for student in students {
            let order = Recommender.focusOrder(mastery: masteries[student.id] ?? [:], concepts: snapshot.concepts)
            guard !order.isEmpty else {
                mastered.append(student.id)
                continue
            }
            groups[order.prefix(2).map(\.id).sorted(), default: []].append(student.id)
        }
        var planned: [ClassPlan.Group] = []
        for (conceptIDs, members) in groups.sorted(by: { ($0.value.count, $1.key.joined()) > ($1.value.count, $0.key.joined()) }) {
            let levels = members.flatMap { id in conceptIDs.map { masteries[id]?[$0] ?? snapshot.concepts[$0]?.bkt.pInit ?? 0 } }
            let mean = levels.reduce(0, +) / Double(max(levels.count, 1))
            var query = [Float]()
            for id in conceptIDs {
                guard let vector = snapshot.conceptEmbeddings[id] else { continue }
                if query.isEmpty { query = vector } else if query.count == vector.count { for i in query.indices { query[i] += vector[i] } }
            }
            var recommendations: [Recommendation] = []
            if !query.isEmpty {
                let hits = try await searchContent(VectorMath.normalized(query), conceptIDs: conceptIDs, excluding: [], count: max(10, maxItems * 3))
                let candidates = hits.compactMap { hit -> Recommender.Candidate? in
                    guard let item = snapshot.content[hit.id] else { return nil }
                    return Recommender.Candidate(id: hit.id, relevance: 0.6 * hit.similarity + 0.4 * Recommender.difficultyFit(item.difficulty, mastery: mean),
                                                 embedding: hit.embedding)
                }
                for (candidate, score) in Recommender.maximalMarginalRelevance(candidates, count: maxItems) {
                    guard let item = snapshot.content[candidate.id] else { continue }
                    let conceptID = item.conceptIDs.first { conceptIDs.contains($0) } ?? item.conceptIDs[0]
                    let name = snapshot.concepts[conceptID]?.name ?? conceptID
                    recommendations.append(Recommendation(
                        itemID: item.id, title: item.title, conceptID: conceptID, conceptName: name, kind: item.kind, difficulty: item.difficulty,
                        score: score, reason: "\(members.count) student\(members.count == 1 ? "" : "s") share \(name) at \(Int((mean * 100).rounded()))% mean mastery: \(Self.phrase(item.kind)) at difficulty \(item.difficulty)"))
                }
            }
            planned.append(ClassPlan.Group(conceptIDs: conceptIDs, conceptNames: conceptIDs.map { snapshot.concepts[$0]?.name ?? $0 },
                                           studentIDs: members.sorted(), meanMastery: mean, recommendations: recommendations))
        }
        let plan = ClassPlan(classID: classID, groups: planned, masteredStudentIDs: mastered.sorted())
        await publish("recommendation_generated", student: nil, classID: classID, fields: [
            "recommendations": .array(planned.flatMap { $0.recommendations.map(\.json) }),
            "plan": plan.json,
        ])
        return plan
    }

    struct ContentHit {
        var id: String
        var similarity: Double
        var embedding: [Float]
    }

    /// Nearest content to `query` among items of any of `conceptIDs`, minus `excluded` ids.
    func searchContent(_ query: [Float], conceptIDs: [String], excluding excluded: Set<String>, count: Int) async throws(LearningError) -> [ContentHit] {
        var parts: [WhereFilter] = []
        let conceptFilters = conceptIDs.map { WhereFilter.compare(key: "concept:\($0)", op: .eq, value: .bool(true)) }
        parts.append(conceptFilters.count == 1 ? conceptFilters[0] : .or(conceptFilters))
        if !excluded.isEmpty {
            parts.append(.membership(key: "item_id", negated: true, values: excluded.sorted().map { .string($0) }))
        }
        let filter = parts.count == 1 ? parts[0] : WhereFilter.and(parts)
        do {
            let result = try await store.query(Self.contentCollection, QueryRequest(
                queries: .embeddings([query]), nResults: count, filter: filter, include: [.distances, .embeddings]))
            let ids = result.ids.first ?? []
            let distances = result.distances?.first ?? []
            let embeddings = result.embeddings?.first ?? []
            return ids.indices.map { ContentHit(id: ids[$0], similarity: 1 - Double(distances[$0]), embedding: embeddings[$0]) }
        } catch StoreError.collectionNotFound {
            return []
        } catch {
            throw .storage("content search failed: \(error)")
        }
    }

    static func phrase(_ kind: ContentKind) -> String {
        switch kind {
        case .lesson: return "a lesson"
        case .exercise: return "practice"
        case .video: return "a video"
        case .quiz: return "a quiz"
        }
    }
}
