/// An exact index: every search scans all vectors. The ground truth for HNSW, and the right choice
/// for small collections. Same API as `HNSWIndex`; thread-safe under a readers-writer lock.
public final class FlatIndex: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is guarded by `lock`.
    public let dimension: Int
    public let metric: Metric
    private let lock = ReadWriteLock()
    private var vectors: [Float] = []
    private var labels: [UInt64] = []
    private var slots: [UInt64: Int] = [:]

    public init(dimension: Int, metric: Metric) throws(VectorIndexError) {
        guard dimension > 0 else { throw .invalidParameter("dimension must be positive") }
        self.dimension = dimension
        self.metric = metric
    }

    public var count: Int { lock.withReadLock { labels.count } }

    public func contains(_ id: UInt64) -> Bool { lock.withReadLock { slots[id] != nil } }

    /// Inserts, or replaces the vector of an existing id.
    public func add(id: UInt64, vector: [Float]) throws(VectorIndexError) {
        try add(ids: [id], vectors: [vector])
    }

    /// Inserts or replaces many vectors; validated first, so an error changes nothing.
    public func add(ids: [UInt64], vectors newVectors: [[Float]]) throws(VectorIndexError) {
        guard ids.count == newVectors.count else { throw .countMismatch(ids: ids.count, vectors: newVectors.count) }
        var prepared: [[Float]] = []
        for vector in newVectors { prepared.append(try DistanceKernels.prepare(vector, dimension: dimension, metric: metric)) }
        lock.withWriteLock {
            for (id, vector) in zip(ids, prepared) {
                if let slot = slots[id] {
                    vectors.replaceSubrange((slot * dimension)..<((slot + 1) * dimension), with: vector)
                } else {
                    slots[id] = labels.count
                    labels.append(id)
                    vectors.append(contentsOf: vector)
                }
            }
        }
    }

    /// Removes `id` (the last vector moves into its place); returns whether it was present.
    @discardableResult
    public func remove(id: UInt64) -> Bool {
        lock.withWriteLock {
            guard let slot = slots.removeValue(forKey: id) else { return false }
            let last = labels.count - 1
            if slot != last {
                labels[slot] = labels[last]
                slots[labels[slot]] = slot
                vectors.replaceSubrange((slot * dimension)..<((slot + 1) * dimension),
                                        with: vectors[(last * dimension)..<((last + 1) * dimension)])
            }
            labels.removeLast()
            vectors.removeLast(dimension)
            return true
        }
    }

    /// The exact `k` nearest vectors that pass `filter`, closest first.
    public func search(_ query: [Float], k: Int, filter: SearchFilter? = nil) throws(VectorIndexError) -> [SearchResult] {
        guard k >= 1 else { throw .invalidParameter("k must be at least 1") }
        let prepared = try DistanceKernels.prepare(query, dimension: dimension, metric: metric)
        return lock.withReadLock {
            var heap = DistanceHeap(isMax: true, capacity: k + 1)
            prepared.withUnsafeBufferPointer { q in
                vectors.withUnsafeBufferPointer { all in
                    for slot in labels.indices {
                        if let filter, !filter.allows(labels[slot]) { continue }
                        let d = DistanceKernels.distance(metric, q.baseAddress!, all.baseAddress! + slot * dimension, dimension)
                        if heap.count < k {
                            heap.push(d, UInt32(slot))
                        } else if d < heap.top!.distance {
                            heap.pop()
                            heap.push(d, UInt32(slot))
                        }
                    }
                }
            }
            return heap.sortedAscending().map { SearchResult(id: labels[Int($0.node)], distance: $0.distance) }
        }
    }
}
