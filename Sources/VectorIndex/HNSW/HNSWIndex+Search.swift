import Foundation

extension HNSWIndex {
    /// Filters matching at most this many items are answered by an exact scan of the matches
    /// (cheaper than a graph walk that must skip almost everything, and exact). A filtered walk
    /// costs about `ef · n / m` distance evaluations for `m` matches among `n`, a scan about `m`,
    /// so they cross near `m = √(C · ef · n)`; C = 11 was measured on 100,000 × 384 embeddings at
    /// ef 64 (crossover ~8,500 matches; Benchmarks/filter_switch.py, RESULTS.md).
    public static func exactScanLimit(ef: Int, count: Int) -> Int {
        max(1_000, Int((11 * Double(ef) * Double(count)).squareRoot()))
    }

    /// The `k` nearest live vectors to `query` (fewer if fewer match), closest first.
    ///
    /// - Parameters:
    ///   - ef: candidate list size (default `parameters.efSearch`; at least `k` is used).
    ///   - filter: only ids it allows are returned. Selective filters (at most
    ///     `exactScanLimit(ef:count:)` matches, estimated) are answered exactly; otherwise the graph walk keeps only matches in
    ///     its result list, and falls back to an exact scan if it still finds fewer than `k`.
    ///   - exactScanLimit: overrides `HNSWIndex.exactScanLimit(ef:count:)` for this search (for
    ///     measuring the switch point).
    public func search(_ query: [Float], k: Int, ef: Int? = nil, filter: SearchFilter? = nil,
                       exactScanLimit: Int? = nil) throws(VectorIndexError) -> [SearchResult] {
        guard k >= 1 else { throw .invalidParameter("k must be at least 1") }
        if let ef, ef < 1 { throw .invalidParameter("ef must be at least 1") }
        let prepared = try DistanceKernels.prepare(query, dimension: dimension, metric: metric)
        return prepared.withUnsafeBufferPointer { q in
            lock.withReadLock {
                let ef = max(ef ?? parameters.efSearch, k)
                let limit = exactScanLimit ?? Self.exactScanLimit(ef: ef, count: labelToSlot.count)
                return searchLocked(q.baseAddress!, k: k, ef: ef, filter: filter, exactScanLimit: limit)
            }
        }
    }

    /// An exact (brute-force) answer over the live vectors, with the same semantics as `search`.
    public func exactSearch(_ query: [Float], k: Int, filter: SearchFilter? = nil) throws(VectorIndexError) -> [SearchResult] {
        guard k >= 1 else { throw .invalidParameter("k must be at least 1") }
        let prepared = try DistanceKernels.prepare(query, dimension: dimension, metric: metric)
        return prepared.withUnsafeBufferPointer { q in
            lock.withReadLock { exactLocked(q.baseAddress!, k: k, filter: filter) }
        }
    }

    private func searchLocked(_ query: UnsafePointer<Float>, k: Int, ef: Int, filter: SearchFilter?, exactScanLimit: Int) -> [SearchResult] {
        guard entryPoint != Self.none, !labelToSlot.isEmpty else { return [] }
        if let filter, estimatedMatches(filter, limit: exactScanLimit) <= exactScanLimit {
            return exactLocked(query, k: k, filter: filter)
        }
        // Only accepted items enter the result heap, so a filtered walk with the same ef explores
        // further by itself (hnswlib's filtered search works the same way).
        let results = walk(query, k: k, ef: ef, filter: filter)
        if let filter, results.count < k {
            // The walk missed matches (a very clustered filter): answer exactly.
            let exact = exactLocked(query, k: k, filter: filter)
            if exact.count > results.count { return exact }
        }
        return results
    }

    /// The graph walk: greedy descent, then a best-first search on level 0.
    private func walk(_ query: UnsafePointer<Float>, k: Int, ef: Int, filter: SearchFilter?) -> [SearchResult] {
        var entry = entryPoint
        var entryDistance = distance(query, entry)
        if maxLevel > 0 {
            for level in stride(from: maxLevel, to: 0, by: -1) {
                greedy(query, from: &entry, distance: &entryDistance, level: level, locked: false)
            }
        }
        let pooled = visitedPool.take(capacity: storage.capacity)
        defer { visitedPool.give(pooled) }
        let storage = self.storage
        let labels = UnsafePointer(storage.labels)
        let accept: ((UInt32) -> Bool)? = filter.map { filter in { slot in filter.allows(labels[Int(slot)]) } }
        let heap = searchLayer(query, entries: [(entryDistance, entry)], ef: ef, level: 0, visited: pooled,
                               locked: false, skipDeleted: true, accept: accept)
        return heap.sortedAscending().prefix(k).map { SearchResult(id: storage.labels[Int($0.node)], distance: $0.distance) }
    }

    /// Exact top-k over live slots that pass `filter`. Matching slots are visited in memory order
    /// with the next vector prefetched (an id set is mapped to sorted slots first).
    func exactLocked(_ query: UnsafePointer<Float>, k: Int, filter: SearchFilter?) -> [SearchResult] {
        var heap = DistanceHeap(isMax: true, capacity: k + 1)
        var slots: [UInt32] = []
        if case let .allowed(set)? = filter, set.count < labelToSlot.count {
            slots.reserveCapacity(set.count)
            for id in set { if let slot = labelToSlot[id] { slots.append(slot) } }
            slots.sort()
        } else {
            slots.reserveCapacity(labelToSlot.count)
            let labels = UnsafePointer(storage.labels)
            for slot in 0..<UInt32(slotCount) where !storage.isDeleted(slot) {
                if let filter, !filter.allows(labels[Int(slot)]) { continue }
                slots.append(slot)
            }
        }
        let vectors = UnsafePointer(storage.vectors)
        let dimension = self.dimension, metric = self.metric
        var bound = Float.infinity
        for (i, slot) in slots.enumerated() {
            if i + 1 < slots.count { DistanceKernels.prefetch(vectors + Int(slots[i + 1]) * dimension) }
            let d = DistanceKernels.distance(metric, query, vectors + Int(slot) * dimension, dimension)
            guard d < bound || heap.count < k else { continue }
            heap.push(d, slot)
            if heap.count > k { heap.pop() }
            if heap.count == k { bound = heap.top!.distance }
        }
        return heap.sortedAscending().map { SearchResult(id: storage.labels[Int($0.node)], distance: $0.distance) }
    }

    /// How many live items a filter matches: exact for an id set, sampled for a predicate.
    func estimatedMatches(_ filter: SearchFilter, limit: Int) -> Int {
        let live = labelToSlot.count
        switch filter {
        case let .allowed(set):
            if set.count <= limit { return set.count }
            return set.count <= live ? set.reduce(0) { $0 + (labelToSlot[$1] != nil ? 1 : 0) } : live
        case let .predicate(test):
            // Up to 1,000 evenly spaced live slots; a predicate matching none of them is treated
            // as selective (exact scan), which is always correct.
            let step = max(1, slotCount / 1000)
            var sampled = 0, matched = 0
            var slot = 0
            while slot < slotCount {
                if !storage.isDeleted(UInt32(slot)) {
                    sampled += 1
                    if test(storage.labels[slot]) { matched += 1 }
                }
                slot += step
            }
            guard sampled > 0, matched > 0 else { return 0 }
            return Int(Double(matched) / Double(sampled) * Double(live))
        }
    }
}
