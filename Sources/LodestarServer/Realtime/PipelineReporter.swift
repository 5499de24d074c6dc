import Foundation
import Realtime
import VectorStore

/// Publishes `pipeline_progress` events (imports, collection writes: embedding and indexing) to
/// the `pipeline` channel.
struct PipelineReporter: Sendable {
    let publisher: (any EventPublisher)?

    /// One job's events share its id.
    static func jobID() -> String { "job-" + UUID().uuidString.prefix(8).lowercased() }

    func report(job: String, id: String, stage: String, message: String, fields: [String: JSONValue] = [:]) async {
        guard let publisher else { return }
        var object = fields
        object["type"] = "pipeline_progress"
        object["job"] = .string(job)
        object["job_id"] = .string(id)
        object["stage"] = .string(stage)
        object["message"] = .string(message)
        object["timestamp"] = .double(Date().timeIntervalSince1970)
        await publisher.publish(RealtimeEvent(type: "pipeline_progress", classID: nil, studentID: nil,
                                              body: JSONValue.object(object).serialized(), channels: [RealtimeEvent.pipelineChannel]))
    }

    /// Runs `work`, reporting its start, its end (with the seconds it took) or its failure.
    func track<T: Sendable>(job: String, message: String, fields: [String: JSONValue] = [:],
                            _ work: @Sendable (_ id: String) async throws -> T) async throws -> T {
        let id = Self.jobID()
        let started = Date()
        await report(job: job, id: id, stage: "started", message: message, fields: fields)
        do {
            let result = try await work(id)
            var done = fields
            done["seconds"] = .double(Date().timeIntervalSince(started))
            await report(job: job, id: id, stage: "completed", message: message, fields: done)
            return result
        } catch {
            var failed = fields
            failed["error"] = .string("\(error)")
            await report(job: job, id: id, stage: "failed", message: message, fields: failed)
            throw error
        }
    }
}
