import Foundation
import GRDB
import VectorStore

extension LearningEngine {
    /// Grades a submission (by its item's key, or its supplied score), stores it, updates the
    /// mastery of each concept of the item by BKT (with history), and publishes its events
    /// together (unless `publishEvents` is false: the demo's simulated past): `assessment_graded`
    /// and `mastery_updated` (with the student's new summary) to the class dashboard and the
    /// student's channel, `student_update` to the student's channel. Invalid submissions store
    /// nothing.
    public func submit(_ request: SubmissionRequest, publishEvents: Bool = true) async throws(LearningError) -> GradedSubmission {
        let student = try student(request.studentID)
        let item = try assessmentItem(request.itemID)
        let score = try Grader.grade(answer: request.answer, score: request.score, key: item.key)
        let parameters = catalog.read { catalog in item.conceptIDs.map { catalog.concepts[$0]?.bkt ?? .standard } }
        let at = request.submittedAt ?? Date()
        let answerText = request.answer.map { String(decoding: $0.serialized(), as: UTF8.self) }
        let concepts = self.concepts
        let withEvents = publishEvents && publisher != nil
        let (graded, summary): (GradedSubmission, [String: JSONValue]) = try await writing { db in
            try db.execute(sql: """
                INSERT INTO learning_submissions (student_id, item_id, answer, score, correct, submitted_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [student.id, item.id, answerText, score, score >= 0.5, at.timeIntervalSince1970])
            let submissionID = db.lastInsertedRowID
            var changes: [MasteryChange] = []
            for (conceptID, bkt) in zip(item.conceptIDs, parameters) {
                let row = try Row.fetchOne(db, sql: "SELECT p_known, attempts FROM learning_mastery WHERE student_id = ? AND concept_id = ?",
                                           arguments: [student.id, conceptID])
                let before: Double = row?["p_known"] ?? bkt.pInit
                let attempts: Int = (row?["attempts"] ?? 0) + 1
                let after = KnowledgeTracing.update(before, score: score, parameters: bkt)
                try db.execute(sql: """
                    INSERT INTO learning_mastery (student_id, concept_id, p_known, attempts, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(student_id, concept_id) DO UPDATE SET p_known = excluded.p_known, attempts = excluded.attempts,
                    updated_at = excluded.updated_at
                    """, arguments: [student.id, conceptID, after, attempts, at.timeIntervalSince1970])
                try db.execute(sql: """
                    INSERT INTO learning_mastery_history (student_id, concept_id, submission_id, p_before, p_after, at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [student.id, conceptID, submissionID, before, after, at.timeIntervalSince1970])
                changes.append(MasteryChange(conceptID: conceptID, before: before, after: after, attempts: attempts))
            }
            let graded = GradedSubmission(id: submissionID, studentID: student.id, classID: student.classID, itemID: item.id,
                                          answer: request.answer, score: score, correct: score >= 0.5, submittedAt: at, mastery: changes)
            guard withEvents else { return (graded, [:]) }
            return (graded, try Self.summary(db, student: student.id, concepts: concepts))
        }
        guard withEvents, let publisher else { return graded }
        // The student's channel gets the summary with the changed concepts' mastery (the full map
        // is in the profile and the roster); dashboards get the numbers of a roster line with
        // mastery_updated (every dashboard socket parses them: nothing more).
        let changed = JSONValue.object(Dictionary(uniqueKeysWithValues: graded.mastery.map { ($0.conceptID, JSONValue.double($0.after)) }))
        var update = summary
        update["mastery"] = changed
        let numbers = summary.filter { ["submissions", "average_score", "overall_mastery", "mastered_concepts"].contains($0.key) }
        await publisher.publish([
            event("assessment_graded", student: student, classID: nil, fields: [
                "data": ["submission_id": .int(graded.id), "item_id": .string(item.id), "score": .double(score),
                         "correct": .bool(graded.correct), "concept_ids": .array(item.conceptIDs.map { .string($0) }),
                         "submitted_at": .double(Self.milliseconds(at))],
            ]),
            event("mastery_updated", student: student, classID: nil, fields: [
                "data": changed, "changes": .array(graded.mastery.map(\.json)), "summary": .object(numbers),
            ]),
            event("student_update", student: student, classID: nil, fields: ["data": .object(update)],
                  channels: ["student:\(student.id)"]),
        ])
        return graded
    }

    /// Grades many submissions; each succeeds or fails on its own.
    public func batchGrade(_ requests: [SubmissionRequest]) async -> [Result<GradedSubmission, LearningError>] {
        var results: [Result<GradedSubmission, LearningError>] = []
        for request in requests {
            do {
                results.append(.success(try await submit(request)))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    /// Marks content items completed by a student (they are no longer recommended to them).
    public func complete(studentID: String, contentIDs: [String], at: Date = Date()) async throws(LearningError) {
        let student = try student(studentID)
        let known = catalog.read { catalog in contentIDs.allSatisfy { catalog.content[$0] != nil } }
        guard known else {
            let missing = catalog.read { catalog in contentIDs.filter { catalog.content[$0] == nil } }
            throw .invalidArgument("unknown content items: \(missing.prefix(5).joined(separator: ", "))")
        }
        try await writing { db in
            for id in contentIDs {
                try db.execute(sql: "INSERT OR IGNORE INTO learning_completions (student_id, content_id, completed_at) VALUES (?, ?, ?)",
                               arguments: [student.id, id, at.timeIntervalSince1970])
            }
        }
    }

    /// Mastery of every concept for a student (concepts never attempted at their `p_init`), with history.
    public func knowledgeState(studentID: String) async throws(LearningError) -> [ConceptMastery] {
        let student = try student(studentID)
        let (states, points): ([String: (Double, Int)], [String: [ConceptMastery.Point]]) = try await reading { db in
            var states: [String: (Double, Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT concept_id, p_known, attempts FROM learning_mastery WHERE student_id = ?", arguments: [student.id]) {
                states[row["concept_id"]] = (row["p_known"], row["attempts"])
            }
            var points: [String: [ConceptMastery.Point]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM learning_mastery_history WHERE student_id = ? ORDER BY id", arguments: [student.id]) {
                points[row["concept_id"], default: []].append(ConceptMastery.Point(
                    submissionID: row["submission_id"], before: row["p_before"], after: row["p_after"],
                    at: Date(timeIntervalSince1970: row["at"])))
            }
            return (states, points)
        }
        return concepts.map { concept in
            let state = states[concept.id]
            return ConceptMastery(conceptID: concept.id, name: concept.name, mastery: state?.0 ?? concept.bkt.pInit,
                                  attempts: state?.1 ?? 0, history: points[concept.id] ?? [])
        }
    }

    /// Mastery per concept for every student of a class (one query).
    func masteryByStudent(classID: String) async throws(LearningError) -> [String: [String: Double]] {
        try await reading { db in
            var result: [String: [String: Double]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT m.student_id, m.concept_id, m.p_known FROM learning_mastery m
                JOIN learning_students s ON s.id = m.student_id WHERE s.class_id = ?
                """, arguments: [classID]) {
                result[row["student_id"], default: [:]][row["concept_id"]] = row["p_known"]
            }
            return result
        }
    }

    /// A student's profile: class, activity and mastery summary.
    public func profile(studentID: String) async throws(LearningError) -> JSONValue {
        let student = try student(studentID)
        let summary = try await studentSummary(student)
        let className = catalog.read { $0.classes[student.classID]?.name }
        var fields: [String: JSONValue] = ["id": .string(student.id), "name": .string(student.name), "class_id": .string(student.classID),
                                           "class_name": .optional(className)]
        if case let .object(extra) = summary { fields.merge(extra) { current, _ in current } }
        return .object(fields)
    }

    /// Submissions, average score, last activity and mastery summary of a student.
    func studentSummary(_ student: Student) async throws(LearningError) -> JSONValue {
        let concepts = self.concepts
        return .object(try await reading { db in try Self.summary(db, student: student.id, concepts: concepts) })
    }

    /// A student's summary as read in `db` (inside a submission's transaction it includes the
    /// submission).
    static func summary(_ db: Database, student: String, concepts: [Concept]) throws -> [String: JSONValue] {
        let activity = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, AVG(score) AS avg, MAX(submitted_at) AS last FROM learning_submissions WHERE student_id = ?",
                                        arguments: [student])
        var known: [String: Double] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT concept_id, p_known FROM learning_mastery WHERE student_id = ?", arguments: [student]) {
            known[row["concept_id"]] = row["p_known"]
        }
        var fields = summaryFields(known: known, concepts: concepts, activity: StudentActivity(activity))
        fields["concepts"] = .int(Int64(concepts.count))
        return fields
    }

    /// Activity and mastery fields shared by a profile and a roster entry: submissions, average
    /// score, last activity, overall mastery (mean over concepts, `p_init` where never attempted),
    /// mastered concepts and mastery per concept.
    static func summaryFields(known: [String: Double], concepts: [Concept], activity: StudentActivity) -> [String: JSONValue] {
        let values = concepts.map { known[$0.id] ?? $0.bkt.pInit }
        return ["submissions": .int(Int64(activity.count)), "average_score": activity.average.map { .double($0) } ?? .null,
                "last_activity": activity.last.map { .double($0) } ?? .null,
                "overall_mastery": .double(values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)),
                "mastered_concepts": .int(Int64(values.filter { $0 >= KnowledgeTracing.masteredThreshold }.count)),
                "mastery": .object(Dictionary(uniqueKeysWithValues: zip(concepts.map(\.id), values.map { JSONValue.double($0) })))]
    }

    /// The roster of a class: each student's profile with mastery per concept.
    public func roster(classID: String) async throws(LearningError) -> JSONValue {
        let schoolClass = try schoolClass(classID)
        let students = try students(inClass: classID)
        let masteries = try await masteryByStudent(classID: classID)
        let stats: [String: StudentActivity] = try await reading { db in
            var stats: [String: StudentActivity] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT s.student_id, COUNT(*) AS n, AVG(s.score) AS avg, MAX(s.submitted_at) AS last FROM learning_submissions s
                JOIN learning_students st ON st.id = s.student_id WHERE st.class_id = ? GROUP BY s.student_id
                """, arguments: [classID]) {
                stats[row["student_id"]] = StudentActivity(row)
            }
            return stats
        }
        let concepts = self.concepts
        let list: [JSONValue] = students.map { student in
            var fields = Self.summaryFields(known: masteries[student.id] ?? [:], concepts: concepts, activity: stats[student.id] ?? StudentActivity(nil))
            fields["id"] = .string(student.id)
            fields["name"] = .string(student.name)
            fields["class_id"] = .string(classID)
            return .object(fields)
        }
        return ["class_id": .string(classID), "name": .string(schoolClass.name), "teacher": .optional(schoolClass.teacher),
                "concepts": .array(concepts.map { ["id": .string($0.id), "name": .string($0.name)] }),
                "students": .array(list)]
    }
}
