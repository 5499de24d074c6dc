import Foundation
import Hummingbird
import Learning
import VectorStore

/// Import, assessments, adaptive paths and plans, students and classes.
///
/// Rights: admins everything; teachers the students and plans of their classes (`class_ids`);
/// students their own submissions, path, profile and knowledge state. Import is admin-only.
struct LearningRoutes {
    let learning: LearningEngine
    let maxBodyBytes: Int
    var pipeline = PipelineReporter(publisher: nil)

    func register(on api: RouterGroup<LodestarRequestContext>) {
        api.post("import") { request, context in
            try context.require([.admin], to: "import curricula")
            var request = request
            let body = try await request.collectBody(upTo: maxBodyBytes)
            let bytes = Array(body.readableBytesView)
            let summary = try await pipeline.track(job: "import", message: "curriculum import (\(bytes.count) bytes)") { [pipeline, learning] id in
                try await learning.importJSONL(bytes, progress: { step in
                    let stage = step.hasPrefix("embedding") ? "embedding" : "indexing"
                    await pipeline.report(job: "import", id: id, stage: stage, message: step)
                })
            }
            var output = JSONOutput()
            output.json(["imported": summary.json])
            return output.response()
        }
        api.post("assessments/submit") { request, context in
            var request = request
            let body = try await request.jsonObject(limit: maxBodyBytes)
            let submission = try submissionRequest(body)
            try authorize(context, studentID: submission.studentID, to: "submit for this student")
            let graded = try await learning.submit(submission)
            var output = JSONOutput()
            output.json(graded.json)
            return output.response()
        }
        api.post("assessments/batch-grade") { request, context in
            var request = request
            let body = try await request.jsonObject(limit: maxBodyBytes)
            let entries = try body.required("submissions", JSONField.array(JSONField.object))
            guard entries.count <= 10_000 else { throw APIError.badRequest("at most 10000 submissions per batch") }
            var results: [JSONValue] = []
            var graded = 0
            for (index, entry) in entries.enumerated() {
                do {
                    let submission = try submissionRequest(entry)
                    try authorize(context, studentID: submission.studentID, to: "submit for this student")
                    let result = try await learning.submit(submission)
                    graded += 1
                    var fields: [String: JSONValue] = ["index": .int(Int64(index)), "ok": true]
                    if case let .object(extra) = result.json { fields.merge(extra) { a, _ in a } }
                    results.append(.object(fields))
                } catch {
                    let failure = APIError.from(error)
                    results.append(["index": .int(Int64(index)), "ok": false, "status": .int(Int64(failure.status.code)),
                                    "error": ["code": .string(failure.code), "message": .string(failure.message)]])
                }
            }
            var output = JSONOutput()
            output.json(["results": .array(results), "graded": .int(Int64(graded)), "failed": .int(Int64(entries.count - graded))])
            return output.response()
        }
        api.post("adaptive/students/{student_id}/path") { request, context in
            let studentID = try context.parameters.require("student_id")
            try authorize(context, studentID: studentID, to: "see this student's path")
            var request = request
            let body = try await request.optionalJSONObject(limit: maxBodyBytes)
            let path = try await learning.learningPath(studentID: studentID, maxItems: try body.optional("max_items", JSONField.int) ?? 5)
            var output = JSONOutput()
            output.json(path.json)
            return output.response()
        }
        api.post("adaptive/classes/{class_id}/plan") { request, context in
            let classID = try context.parameters.require("class_id")
            try authorize(context, classID: classID, to: "see this class's plan")
            var request = request
            let body = try await request.optionalJSONObject(limit: maxBodyBytes)
            let plan = try await learning.classPlan(classID: classID, maxItems: try body.optional("max_items", JSONField.int) ?? 5)
            var output = JSONOutput()
            output.json(plan.json)
            return output.response()
        }
        api.get("students/{id}") { _, context in
            let studentID = try context.parameters.require("id")
            try authorize(context, studentID: studentID, to: "see this student")
            var output = JSONOutput()
            output.json(try await learning.profile(studentID: studentID))
            return output.response()
        }
        api.get("students/{id}/knowledge-state") { _, context in
            let studentID = try context.parameters.require("id")
            try authorize(context, studentID: studentID, to: "see this student")
            let state = try await learning.knowledgeState(studentID: studentID)
            var output = JSONOutput()
            output.json(["student_id": .string(studentID), "concepts": .array(state.map(\.json))])
            return output.response()
        }
        api.post("students/{id}/completions") { request, context in
            let studentID = try context.parameters.require("id")
            try authorize(context, studentID: studentID, to: "record this student's work")
            var request = request
            let ids = try await request.jsonObject(limit: maxBodyBytes).required("content_ids", JSONField.array(JSONField.string))
            try await learning.complete(studentID: studentID, contentIDs: ids)
            var output = JSONOutput()
            output.json(["student_id": .string(studentID), "completed": .array(ids.map { .string($0) })])
            return output.response()
        }
        api.get("classes/{id}/students") { _, context in
            let classID = try context.parameters.require("id")
            try authorize(context, classID: classID, to: "see this class")
            var output = JSONOutput()
            output.json(try await learning.roster(classID: classID))
            return output.response()
        }
    }

    private func submissionRequest(_ body: JSONObject) throws -> SubmissionRequest {
        SubmissionRequest(studentID: try body.required("student_id", JSONField.string), itemID: try body.required("item_id", JSONField.string),
                          answer: body.value("answer"), score: try body.optional("score", JSONField.double))
    }

    /// The student must exist (404), and the token may act for them (403).
    private func authorize(_ context: LodestarRequestContext, studentID: String, to action: String) throws {
        let claims = try context.requireClaims()
        let student = try learning.student(studentID)
        guard claims.canAccess(studentID: student.id, classID: student.classID) else {
            throw APIError.forbidden("this token may not \(action)")
        }
    }

    /// The class must exist (404), and the token may see it: admins and its teachers (403).
    private func authorize(_ context: LodestarRequestContext, classID: String, to action: String) throws {
        let claims = try context.requireClaims()
        _ = try learning.schoolClass(classID)
        guard claims.canAccess(classID: classID) else { throw APIError.forbidden("this token may not \(action)") }
    }
}
