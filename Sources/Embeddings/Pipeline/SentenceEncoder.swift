import Foundation

/// A sentence-transformers model ready to embed text: tokenizer, BERT encoder, pooling and
/// normalisation, loaded from a model directory.
///
/// Embedding is thread-safe. Large jobs are sorted by length, cut into batches, and the batches are
/// spread over `threads` workers, each running single-threaded BLAS on its own scratch memory; a job
/// of one batch instead splits that batch's work across the threads. BLAS never starts threads of
/// its own, so the cores are not oversubscribed.
public final class SentenceEncoder: Sendable {
    /// The model's configuration, as read from its files.
    public let configuration: ModelConfiguration
    /// The model's tokenizer.
    public let tokenizer: BertTokenizer
    /// The directory the model was loaded from.
    public let directory: String
    /// Worker threads used per call.
    public let threads: Int

    private let encoder: BertEncoder
    private let workspaces = WorkspacePool()
    /// Spinning helpers for single-batch calls (created with the encoder when `threads > 1`).
    private let latencyPool: WorkerPool?

    /// Loads the model in `directory` (see `ModelLocator.resolve` for the default).
    ///
    /// - Parameter threads: worker threads; defaults to the number of active cores.
    public init(directory: String, threads: Int? = nil) throws(ModelError) {
        let configuration = try ModelConfiguration(directory: directory)
        let root = URL(fileURLWithPath: directory)
        let tokenizer = try BertTokenizer(modelDirectory: directory, options: configuration.tokenizer)
        guard tokenizer.tokens.count <= configuration.vocabularySize else {
            throw .invalidVocabulary(path: BertTokenizer.vocabularyPath(inModelDirectory: directory),
                                     reason: "has \(tokenizer.tokens.count) tokens, more than vocab_size \(configuration.vocabularySize)")
        }
        let weightsPath = root.appendingPathComponent("model.safetensors").path
        guard FileManager.default.fileExists(atPath: weightsPath) else { throw .missingFile(path: weightsPath) }
        let weights: BertWeights
        do {
            weights = try BertWeights(file: try SafeTensorsFile(path: weightsPath), configuration: configuration)
        } catch {
            throw .weights(error)
        }
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.directory = directory
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.encoder = BertEncoder(configuration: configuration, weights: weights)
        self.latencyPool = self.threads > 1 ? WorkerPool(threads: self.threads) : nil
        BLAS.setThreads(1)
    }

    /// Width of the embeddings.
    public var dimension: Int { configuration.dimension }

    /// The OpenBLAS kernel family that runs the encoder's products on this CPU, e.g. "Cooperlake" or
    /// "Haswell" (see `blasConfiguration`).
    public static var blasKernels: String { BLAS.coreName }

    /// The BLAS build and its kernels on this CPU, for reports: OpenBLAS's configuration string, the
    /// kernel family, and the family OpenBLAS itself had loaded when Lodestar replaced its fallback
    /// for a CPU model it does not know.
    public static var blasConfiguration: String { BLAS.configuration }

    /// Token ids of `text` as the model sees them (with `[CLS]`/`[SEP]`, truncated).
    public func tokenize(_ text: String) -> [Int32] {
        tokenizer.encode(text, maxLength: configuration.maxSequenceLength)
    }

    /// Embeds one text.
    public func embed(_ text: String) -> [Float] {
        embed([text], batchSize: 1)[0]
    }

    /// Embeds `texts`, returning one vector per text in input order.
    ///
    /// - Parameters:
    ///   - batchSize: texts per forward pass.
    ///   - progress: called (from worker threads) with the number of texts finished so far.
    public func embed(_ texts: [String], batchSize: Int = 32, progress: (@Sendable (Int) -> Void)? = nil) -> [[Float]] {
        let ids = tokenize(texts)
        return embed(tokenIDs: ids, batchSize: batchSize, progress: progress)
    }

    /// Embeds already tokenised sequences (each with `[CLS]`/`[SEP]`).
    public func embed(tokenIDs sequences: [[Int32]], batchSize: Int = 32, progress: (@Sendable (Int) -> Void)? = nil) -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let limit = configuration.maxSequenceLength
        let sequences = sequences.map { $0.count > limit ? Array($0.prefix(limit - 1)) + [tokenizer.separatorID] : $0 }
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        let size = max(1, batchSize)
        let batches = stride(from: 0, to: order.count, by: size).map { Array(order[$0..<min($0 + size, order.count)]) }
        let results = ResultSlots(count: sequences.count)
        let finished = Counter()

        let runBatch = { (batch: [Int], workspace: BertEncoder.Workspace, executor: ParallelExecutor) in
            let vectors = self.encoder.encode(batch.map { sequences[$0] }, workspace: workspace, executor: executor)
            for (index, vector) in zip(batch, vectors) { results.set(index, vector) }
            let done = finished.add(batch.count)
            progress?(done)
        }

        if batches.count >= threads && threads > 1 {
            // Throughput: each worker takes whole batches with its own workspace.
            let next = Counter()
            let box = UncheckedBox(runBatch)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                let workspace = workspaces.take()
                defer { workspaces.give(workspace) }
                while true {
                    let index = next.add(1) - 1
                    guard index < batches.count else { break }
                    box.value(batches[index], workspace, ParallelExecutor(threads: 1))
                }
            }
        } else {
            // Latency: one batch at a time, its work split over the threads (through the spinning
            // helpers when no other call holds them).
            let workspace = workspaces.take()
            defer { workspaces.give(workspace) }
            let pool = latencyPool.flatMap { $0.tryAcquire() ? $0 : nil }
            defer { pool?.release() }
            for batch in batches { runBatch(batch, workspace, ParallelExecutor(threads: threads, pool: pool)) }
        }
        return results.values()
    }

    /// Token ids of each text, tokenised on all threads.
    public func tokenize(_ texts: [String]) -> [[Int32]] {
        let slots = TokenSlots(count: texts.count)
        let executor = ParallelExecutor(threads: texts.count >= 64 ? threads : 1)
        executor.forChunks(texts.count) { range in
            for i in range { slots.set(i, self.tokenize(texts[i])) }
        }
        return slots.values()
    }
}

// MARK: - Small synchronised helpers

/// Reusable encoder workspaces (scratch memory is kept between calls). Guarded by a lock.
private final class WorkspacePool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [BertEncoder.Workspace] = []

    func take() -> BertEncoder.Workspace {
        lock.withLock { free.popLast() } ?? BertEncoder.Workspace()
    }

    func give(_ workspace: BertEncoder.Workspace) {
        lock.withLock { free.append(workspace) }
    }
}

/// A counter shared by workers. Guarded by a lock.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Adds `amount` and returns the new total.
    func add(_ amount: Int) -> Int {
        lock.withLock {
            value += amount
            return value
        }
    }
}

/// One result slot per input; each slot is written by exactly one worker. Guarded by a lock.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[Float]]

    init(count: Int) { slots = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [Float]) { lock.withLock { slots[index] = value } }
    func values() -> [[Float]] { lock.withLock { slots } }
}

/// One token-id slot per input. Guarded by a lock.
private final class TokenSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[Int32]]

    init(count: Int) { slots = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [Int32]) { lock.withLock { slots[index] = value } }
    func values() -> [[Int32]] { lock.withLock { slots } }
}
