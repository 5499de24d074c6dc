import Foundation
import Hummingbird
import Learning
import Realtime
import Testing
import VectorStore
@testable import LodestarServer

@Suite struct LearningRouteTests {
    static let curriculum = [
        #"{"record":"concept","id":"fr","name":"Fractions","description":"Fractions name parts of a whole."}"#,
        #"{"record":"concept","id":"add","name":"Adding fractions","description":"Add fractions over a common denominator.","prerequisites":["fr"]}"#,
        #"{"record":"content","id":"fr-1","title":"What a fraction is","text":"Numerator over denominator.","concept_ids":["fr"],"kind":"lesson","difficulty":1}"#,
        #"{"record":"content","id":"fr-2","title":"Fraction bars","text":"Shade parts of a bar.","concept_ids":["fr"],"kind":"exercise","difficulty":2}"#,
        #"{"record":"content","id":"add-1","title":"Common denominators","text":"Rename, then add numerators.","concept_ids":["add"],"kind":"video","difficulty":2}"#,
        #"{"record":"assessment_item","id":"q1","concept_ids":["fr"],"prompt":"1/4 as a decimal?","key":{"type":"numeric","answer":0.25,"tolerance":0.001}}"#,
        #"{"record":"assessment_item","id":"q2","concept_ids":["add"],"prompt":"1/2 + 1/3?","key":{"type":"multiple_choice","choices":["2/5","5/6"],"answer":1}}"#,
        #"{"record":"assessment_item","id":"q3","concept_ids":["add"],"prompt":"Explain adding fractions.","key":null}"#,
        #"{"record":"class","id":"class_001","name":"Demo class"}"#,
        #"{"record":"class","id":"class_002","name":"Other class"}"#,
        #"{"record":"student","id":"s1","class_id":"class_001","name":"Sam"}"#,
        #"{"record":"student","id":"s2","class_id":"class_002","name":"Ana"}"#,
    ].joined(separator: "\n")

    private func importCurriculum(_ client: Client) async throws {
        let reply = try await client.post("/api/v1/import", Self.curriculum)
        #expect(reply.status == .ok, "\(reply.text)")
    }

    @Test func importReportsBadLinesAndAppliesNothing() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let bad = Self.curriculum + "\n{\"record\":\"content\",\"id\":\"x\",\"title\":\"X\",\"text\":\"x\",\"concept_ids\":[\"nope\"],\"kind\":\"lesson\",\"difficulty\":1}\n{oops"
            let reply = try await client.post("/api/v1/import", bad)
            #expect(reply.status == .badRequest && reply.errorCode == "import_failed")
            let problems = ((reply.object["error"] as? [String: Any])?["problems"] as? [[String: Any]]) ?? []
            #expect(problems.compactMap { $0["line"] as? Int } == [13, 14])
            #expect(try await client.get("/api/v1/classes/class_001/students").status == .notFound)
            try await importCurriculum(client)
            let roster = try await client.get("/api/v1/classes/class_001/students")
            #expect(((roster.object["students"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == ["s1"])
            let teacher = try await harness.token(.teacher, classes: ["class_001"])
            #expect(try await client.with(token: teacher).post("/api/v1/import", Self.curriculum).status == .forbidden)
        }
    }

    @Test func submitGradeAndFollowMastery() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            try await importCurriculum(client)
            let reply = try await client.post("/api/v1/assessments/submit", #"{"student_id":"s1","item_id":"q1","answer":"1/4"}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            let submission = reply.object["submission"] as? [String: Any] ?? [:]
            #expect(submission["correct"] as? Bool == true && submission["score"] as? Double == 1)
            let fr = (reply.object["mastery"] as? [String: Any])?["fr"] as? [String: Any] ?? [:]
            #expect(abs((fr["mastery"] as? Double ?? 0) - 0.7097561) < 1e-6 && fr["previous"] as? Double == 0.3)
            let state = try await client.get("/api/v1/students/s1/knowledge-state")
            let concepts = state.object["concepts"] as? [[String: Any]] ?? []
            #expect((concepts.first { $0["concept_id"] as? String == "fr" }?["history"] as? [Any])?.count == 1)
            let profile = try await client.get("/api/v1/students/s1")
            #expect(profile.object["class_id"] as? String == "class_001" && profile.object["submissions"] as? Int == 1)
            let delivered = await harness.hub.events(channel: "dashboard:class_001")
            #expect(delivered.map(\.event.type) == ["assessment_graded", "mastery_updated"])
            #expect(delivered.map(\.seq) == [1, 2])
            let own = await harness.hub.events(channel: "student:s1")
            #expect(own.map(\.event.type) == ["assessment_graded", "mastery_updated", "student_update"])
            let body = try JSONValue.parse(delivered[0].event.body)
            #expect(body["type"] == "assessment_graded" && body["student_id"] == "s1" && body["class_id"] == "class_001")
            #expect(body["data"]?["item_id"] == "q1")
        }
    }

    @Test(arguments: [
        (#"{"student_id":"ghost","item_id":"q1","answer":1}"#, HTTPResponse.Status.notFound, "student_not_found"),
        (#"{"student_id":"s1","item_id":"nope","answer":1}"#, .notFound, "item_not_found"),
        (#"{"student_id":"s1","item_id":"q1","answer":"many"}"#, .badRequest, "invalid_answer"),
        (#"{"student_id":"s1","item_id":"q2","answer":9}"#, .badRequest, "invalid_answer"),
        (#"{"student_id":"s1","item_id":"q3","score":1.5}"#, .badRequest, "invalid_argument"),
        (#"{"student_id":"s1","item_id":"q3"}"#, .badRequest, "invalid_argument"),
        (#"{"student_id":"s1","item_id":"q1","score":"high"}"#, .badRequest, "invalid_argument"),
        (#"{"item_id":"q1","answer":1}"#, .badRequest, "invalid_argument"),
        (#"{"student_id":"s1","item_id":"q1""#, .badRequest, "invalid_json"),
    ])
    func badSubmissionsAreRefusedAndStoreNothing(_ body: String, _ status: HTTPResponse.Status, _ code: String) async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            try await importCurriculum(client)
            let publishedBefore = await harness.hub.published  // the import's pipeline progress
            let reply = try await client.post("/api/v1/assessments/submit", body)
            #expect(reply.status == status, "\(reply.text)")
            #expect(reply.errorCode == code)
            #expect(try await client.get("/api/v1/students/s1").object["submissions"] as? Int == 0)
            #expect(await harness.hub.published == publishedBefore)
        }
    }

    @Test func batchGradeReportsEachEntry() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            try await importCurriculum(client)
            let reply = try await client.post("/api/v1/assessments/batch-grade", #"{"submissions":[{"student_id":"s1","item_id":"q1","answer":0.25},{"student_id":"s1","item_id":"q2","answer":"Z"},{"student_id":"s2","item_id":"q3","score":0.4},{"student_id":"ghost","item_id":"q1","answer":1}]}"#)
            #expect(reply.status == .ok)
            let results = reply.object["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["ok"] as? Bool } == [true, false, true, false])
            #expect((results[1]["error"] as? [String: Any])?["code"] as? String == "invalid_answer")
            #expect(results[3]["status"] as? Int == 404)
            #expect(reply.object["graded"] as? Int == 2 && reply.object["failed"] as? Int == 2)
            // a teacher may only grade their own class's students
            let teacher = try await harness.token(.teacher, classes: ["class_001"])
            let mixed = try await client.with(token: teacher).post("/api/v1/assessments/batch-grade",
                #"{"submissions":[{"student_id":"s1","item_id":"q1","answer":0.25},{"student_id":"s2","item_id":"q1","answer":0.25}]}"#)
            #expect((mixed.object["results"] as? [[String: Any]])?.map { $0["ok"] as? Bool } == [true, false])
        }
    }

    @Test func pathsPlansAndRights() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            try await importCurriculum(client)
            _ = try await client.post("/api/v1/assessments/submit", #"{"student_id":"s1","item_id":"q1","answer":0.9}"#)
            let path = try await client.post("/api/v1/adaptive/students/s1/path", #"{"max_items":2}"#)
            #expect(path.status == .ok, "\(path.text)")
            #expect(path.object["student_id"] as? String == "s1")
            let recommendations = path.object["recommendations"] as? [[String: Any]] ?? []
            #expect(recommendations.count == 2)
            for field in ["item_id", "title", "concept_id", "score", "reason"] {
                #expect(recommendations.allSatisfy { $0[field] != nil }, "\(field)")
            }
            #expect(try await client.send(.post, "/api/v1/adaptive/students/s1/path").status == .ok)
            let plan = try await client.post("/api/v1/adaptive/classes/class_001/plan", "{}")
            #expect(plan.status == .ok)
            let groups = plan.object["groups"] as? [[String: Any]] ?? []
            #expect(groups.count == 1 && (groups[0]["student_ids"] as? [String]) == ["s1"])
            #expect(((groups[0]["shared_weak_concepts"] as? [[String: Any]]) ?? []).count == 2)
            let events = await harness.hub.events(channel: "dashboard:class_001").filter { $0.event.type == "recommendation_generated" }
            #expect(events.count == 3)
            // rights: a teacher of another class, another student
            let otherTeacher = try await harness.token(.teacher, classes: ["class_002"])
            let t = client.with(token: otherTeacher)
            #expect(try await t.post("/api/v1/adaptive/students/s1/path", "{}").status == .forbidden)
            #expect(try await t.post("/api/v1/adaptive/classes/class_001/plan", "{}").status == .forbidden)
            #expect(try await t.get("/api/v1/classes/class_001/students").status == .forbidden)
            #expect(try await t.get("/api/v1/students/s2").status == .ok)
            let student = try await harness.token(.student, student: "s1")
            let s = client.with(token: student)
            #expect(try await s.get("/api/v1/students/s1/knowledge-state").status == .ok)
            #expect(try await s.post("/api/v1/adaptive/students/s1/path", "{}").status == .ok)
            #expect(try await s.get("/api/v1/students/s2").status == .forbidden)
            #expect(try await s.post("/api/v1/assessments/submit", #"{"student_id":"s2","item_id":"q1","answer":1}"#).status == .forbidden)
            #expect(try await s.get("/api/v1/classes/class_001/students").status == .forbidden)
            #expect(try await client.get("/api/v1/students/ghost").status == .notFound)
            #expect(try await client.post("/api/v1/adaptive/classes/nope/plan", "{}").status == .notFound)
            #expect(try await client.post("/api/v1/adaptive/students/s1/path", #"{"max_items":0}"#).status == .badRequest)
        }
    }
}
