import Dispatch

/// Runs independent pieces of work on up to `threads` cores. With one thread it is a plain loop.
///
/// The encoder parallelises *above* BLAS (BLAS itself runs single-threaded), so the cores are never
/// oversubscribed: either each worker owns a whole batch, or one batch's GEMM columns, attention
/// heads and rows are split across the workers here.
struct ParallelExecutor: Sendable {
    let threads: Int
    /// Persistent spinning helpers for fine-grained hand-offs (the latency path); without it,
    /// work goes to Dispatch's pool.
    let pool: WorkerPool?

    init(threads: Int, pool: WorkerPool? = nil) {
        self.threads = max(1, threads)
        self.pool = pool.flatMap { $0.threads >= threads ? $0 : nil }
    }

    /// Calls `body(i)` for every `i` in `0..<count`, spread over the threads.
    func forEach(_ count: Int, _ body: (Int) -> Void) {
        if threads <= 1 || count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        if let pool, count <= pool.threads {
            pool.run(parts: count, body)
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: count) { i in box.value(i) }
        }
    }

    /// Calls `body(range)` for `threads` contiguous chunks of `0..<count`, each a multiple of
    /// `granularity` long except the last, and none shorter than `minimumChunk` (small jobs are not
    /// worth a thread hand-off and run inline).
    func forChunks(_ count: Int, granularity: Int = 1, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        forIndexedChunks(count, granularity: granularity, minimumChunk: minimumChunk) { _, range in body(range) }
    }

    /// As `forChunks`, also passing the chunk's index (below `threads`), e.g. to pick scratch space.
    func forIndexedChunks(_ count: Int, granularity: Int = 1, minimumChunk: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        let chunks = min(threads, max(1, count / max(granularity, minimumChunk, 1)))
        if chunks <= 1 {
            body(0, 0..<count)
            return
        }
        let per = ((count + chunks - 1) / chunks + granularity - 1) / granularity * granularity
        forEach(chunks) { c in
            let start = c * per
            let end = min(count, start + per)
            if start < end { body(c, start..<end) }
        }
    }
}

/// Carries a non-Sendable value into `concurrentPerform`, whose iterations the caller has made
/// independent (each touches disjoint memory).
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
