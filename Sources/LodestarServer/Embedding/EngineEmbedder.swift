import Dispatch
import Embeddings
import Foundation
import VectorStore

/// The embedding engine as the store's `DocumentEmbedder`, with request coalescing: texts from
/// concurrent requests are gathered into one call of the engine (up to `maxBatchTexts`), which
/// runs on a dedicated thread rather than blocking Swift concurrency's cooperative threads.
public final class EngineEmbedder: DocumentEmbedder, @unchecked Sendable {
    // @unchecked Sendable: `pending` and `draining` are only touched under `lock`.
    public let encoder: SentenceEncoder
    public let modelName: String
    public var dimension: Int { encoder.dimension }
    /// Most texts one engine call takes from the queue.
    public let maxBatchTexts: Int
    /// Called after each engine call with the number of texts and the seconds it took.
    let observe: @Sendable (Int, Double) -> Void

    private struct Job {
        let texts: [String]
        let continuation: CheckedContinuation<[[Float]], any Error>
    }

    private let lock = NSLock()
    private var pending: [Job] = []
    private var draining = false
    private let queue = DispatchQueue(label: "lodestar.embedder", qos: .userInitiated)

    public init(encoder: SentenceEncoder, modelName: String, maxBatchTexts: Int = 256,
                observe: @escaping @Sendable (Int, Double) -> Void = { _, _ in }) {
        self.encoder = encoder
        self.modelName = modelName
        self.maxBatchTexts = maxBatchTexts
        self.observe = observe
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            pending.append(Job(texts: texts, continuation: continuation))
            let start = !draining
            draining = true
            lock.unlock()
            if start { queue.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            lock.lock()
            guard !pending.isEmpty else {
                draining = false
                lock.unlock()
                return
            }
            var jobs: [Job] = []
            var count = 0
            while let job = pending.first, jobs.isEmpty || count + job.texts.count <= maxBatchTexts {
                jobs.append(job)
                count += job.texts.count
                pending.removeFirst()
            }
            lock.unlock()
            let started = DispatchTime.now().uptimeNanoseconds
            let vectors = encoder.embed(jobs.flatMap(\.texts), batchSize: 32)
            observe(count, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            var offset = 0
            for job in jobs {
                job.continuation.resume(returning: Array(vectors[offset..<offset + job.texts.count]))
                offset += job.texts.count
            }
        }
    }
}
