import Foundation
import Synchronization
import Testing
@testable import Embeddings

/// The spinning helper pool of the latency path.
@Suite struct WorkerPoolTests {
    /// Pools released before their threads have even started must not crash (a process that loads
    /// the model and embeds nothing does exactly this).
    @Test func poolsReleasedImmediatelyAreSafe() {
        for _ in 0..<300 {
            _ = WorkerPool(threads: 2)
        }
        for round in 0..<200 {
            let pool = WorkerPool(threads: 3)
            if round % 2 == 0 {
                let hits = Mutex([0, 0, 0])
                pool.run(parts: 3) { part in hits.withLock { $0[part] += 1 } }
                #expect(hits.withLock { $0 } == [1, 1, 1])
            }
        }
    }

    @Test func everyPartRunsOnceAcrossManyJobs() {
        let pool = WorkerPool(threads: 2)
        #expect(pool.tryAcquire())
        #expect(!pool.tryAcquire())
        let counts = Mutex([Int](repeating: 0, count: 2))
        for _ in 0..<5_000 {
            pool.run(parts: 2) { part in counts.withLock { $0[part] += 1 } }
        }
        pool.release()
        #expect(counts.withLock { $0 } == [5_000, 5_000])
        #expect(pool.tryAcquire())
        pool.release()
    }
}
