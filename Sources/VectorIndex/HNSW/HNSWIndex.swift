import Dispatch
import Foundation
import LodestarSupport

/// A Hierarchical Navigable Small World graph (Malkov & Yashunin, arXiv:1603.09320) over float
/// vectors with `UInt64` labels: layered graph, heuristic neighbour selection (their Algorithm 4),
/// level-0 degree `2M`, parameters `M`, `efConstruction`, `efSearch`.
///
/// - `add` inserts, or updates (re-links) an existing id. `remove` leaves a tombstone that never
///   appears in results; later inserts reuse its slot, and when tombstones pass a threshold the
///   graph is repaired around them.
/// - `search` takes an optional filter; selective filters are answered by an exact scan.
/// - Thread safety: searches run concurrently under a shared lock; mutations take it exclusively
///   (a batch insert in chunks, so searches interleave) and link a chunk on all cores with
///   per-node mutexes.
public final class HNSWIndex: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is guarded by `lock` (shared for reads, exclusive for
    // writes); inside an exclusive section, parallel linking guards link lists with `nodeLocks`
    // and the entry point with `entryMutex`.

    /// Construction and search parameters.
    public struct Parameters: Sendable, Equatable {
        /// Links per node on upper levels (level 0 has `2M`).
        public var M: Int
        /// Candidate list size while inserting.
        public var efConstruction: Int
        /// Default candidate list size while searching.
        public var efSearch: Int
        /// Seed of the level generator (a single-threaded build is reproducible).
        public var seed: UInt64

        public init(M: Int = 16, efConstruction: Int = 200, efSearch: Int = 64, seed: UInt64 = 42) {
            self.M = M
            self.efConstruction = efConstruction
            self.efSearch = efSearch
            self.seed = seed
        }
    }

    public let dimension: Int
    public let metric: Metric
    public let parameters: Parameters

    let lock = ReadWriteLock()
    private let nodeLocks = StripedMutexes(count: 1024)
    private let entryMutex = PlainMutex()
    let visitedPool = VisitedPool()

    let storage: HNSWStorage
    /// Slots in use (live or tombstoned).
    var slotCount = 0
    var labelToSlot: [UInt64: UInt32] = [:]
    /// Tombstoned slots, reused by later inserts.
    var freeSlots: [UInt32] = []
    var entryPoint: UInt32 = HNSWIndex.none
    var maxLevel = -1
    var random: SeededRandom
    /// The level generator's state (saved with the index so a reloaded index continues the sequence).
    var randomState: UInt64 {
        get { random.state }
        set { random = SeededRandom(state: newValue) }
    }
    /// Tombstones removed since the last repair (the repair trigger).
    var pendingTombstones = 0

    static let none = UInt32.max
    let levelMultiplier: Double

    /// Tombstones may reach this fraction of live nodes before the graph is repaired around them.
    public static let repairThreshold = 0.1

    /// Largest dimension an index accepts.
    public static let maxDimension = 1 << 16
    /// Largest `efConstruction` / `efSearch` an index accepts.
    public static let maxEf = 1 << 20

    /// Creates an empty index.
    public init(dimension: Int, metric: Metric, parameters: Parameters = Parameters(), capacity: Int = 1024) throws(VectorIndexError) {
        guard dimension > 0 && dimension <= Self.maxDimension else { throw .invalidParameter("dimension must be between 1 and \(Self.maxDimension)") }
        guard parameters.M >= 2 && parameters.M <= 256 else { throw .invalidParameter("M must be between 2 and 256") }
        guard (1...Self.maxEf).contains(parameters.efConstruction) else { throw .invalidParameter("efConstruction must be between 1 and \(Self.maxEf)") }
        guard (1...Self.maxEf).contains(parameters.efSearch) else { throw .invalidParameter("efSearch must be between 1 and \(Self.maxEf)") }
        guard capacity >= 0 && capacity <= Int(Int32.max) else { throw .invalidParameter("capacity out of range") }
        self.dimension = dimension
        self.metric = metric
        self.parameters = parameters
        storage = HNSWStorage(dimension: dimension, M: parameters.M, capacity: capacity)
        random = SeededRandom(seed: parameters.seed)
        levelMultiplier = 1 / log(Double(parameters.M))
    }

    // MARK: - Reading

    /// Live (not removed) vectors.
    public var count: Int { lock.withReadLock { labelToSlot.count } }

    /// Whether `id` is in the index.
    public func contains(_ id: UInt64) -> Bool { lock.withReadLock { labelToSlot[id] != nil } }

    /// The stored vector of `id` (normalised under the cosine metric).
    public func vector(for id: UInt64) -> [Float]? {
        lock.withReadLock {
            guard let slot = labelToSlot[id] else { return nil }
            return Array(UnsafeBufferPointer(start: storage.vector(slot), count: dimension))
        }
    }

    /// All live ids, in no particular order.
    public var ids: [UInt64] { lock.withReadLock { Array(labelToSlot.keys) } }

    /// Bytes of graph and vector storage per slot at level 0 (hnswlib's accounting).
    public var bytesPerVectorAtLevel0: Int { storage.bytesPerVectorAtLevel0 }

    // MARK: - Writing

    /// Inserts `vector` under `id`, or replaces the vector of an existing `id` (re-linking it).
    public func add(id: UInt64, vector: [Float]) throws(VectorIndexError) {
        try add(ids: [id], vectors: [vector], threads: 1)
    }

    /// Inserts or updates many vectors, linking them on `threads` cores. Input is validated first:
    /// on error nothing is changed. Within the batch a repeated id keeps its last vector.
    public func add(ids: [UInt64], vectors: [[Float]], threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(VectorIndexError) {
        guard ids.count == vectors.count else { throw .countMismatch(ids: ids.count, vectors: vectors.count) }
        var prepared: [[Float]] = []
        prepared.reserveCapacity(vectors.count)
        for vector in vectors { prepared.append(try DistanceKernels.prepare(vector, dimension: dimension, metric: metric)) }
        var last: [UInt64: Int] = [:]
        for (index, id) in ids.enumerated() { last[id] = index }
        let order = ids.indices.filter { last[ids[$0]] == $0 }
        // Chunks keep the exclusive lock short so that searches interleave with a long ingest.
        let chunk = max(256, 128 * max(threads, 1))
        var start = 0
        while start < order.count {
            let end = min(order.count, start + chunk)
            lock.withWriteLock {
                insertLocked(order[start..<end].map { (ids[$0], prepared[$0]) }, threads: threads)
            }
            start = end
        }
        lock.withWriteLock { repairIfNeeded(threads: threads) }
    }

    /// Removes `id`; returns whether it was present. Its slot becomes a tombstone that is never
    /// returned and is reused by a later insert.
    @discardableResult
    public func remove(id: UInt64) -> Bool {
        lock.withWriteLock {
            guard let slot = labelToSlot.removeValue(forKey: id) else { return false }
            storage.setDeleted(slot, true)
            freeSlots.append(slot)
            pendingTombstones += 1
            repairIfNeeded(threads: ProcessInfo.processInfo.activeProcessorCount)
            return true
        }
    }

    /// Removes many ids; returns how many were present.
    @discardableResult
    public func remove(ids: [UInt64]) -> Int {
        lock.withWriteLock {
            var removed = 0
            for id in ids {
                guard let slot = labelToSlot.removeValue(forKey: id) else { continue }
                storage.setDeleted(slot, true)
                freeSlots.append(slot)
                pendingTombstones += 1
                removed += 1
            }
            repairIfNeeded(threads: ProcessInfo.processInfo.activeProcessorCount)
            return removed
        }
    }

    // MARK: - Insertion (exclusive lock held)

    /// Assigns slots and writes vectors serially, then links the nodes on `threads` cores.
    private func insertLocked(_ items: [(UInt64, [Float])], threads: Int) {
        var work: [(slot: UInt32, level: Int, fresh: Bool)] = []
        work.reserveCapacity(items.count)
        storage.grow(to: slotCount + items.count, used: slotCount)
        for (id, vector) in items {
            let slot: UInt32
            var level: Int
            var fresh = true
            if let existing = labelToSlot[id] {
                slot = existing
                level = Int(storage.levels[Int(slot)])
                fresh = false
            } else if let reused = freeSlots.popLast() {
                // A tombstoned slot keeps its level: other nodes' links to it stay valid.
                slot = reused
                level = Int(storage.levels[Int(slot)])
                fresh = false
                storage.setDeleted(slot, false)
                pendingTombstones = max(0, pendingTombstones - 1)
                labelToSlot[id] = slot
            } else {
                slot = UInt32(slotCount)
                slotCount += 1
                level = Int(-log(random.unitInterval()) * levelMultiplier)
                level = min(level, 30)
                storage.reset(slot, level: level)
                labelToSlot[id] = slot
            }
            storage.labels[Int(slot)] = id
            vector.withUnsafeBufferPointer { storage.vector(slot).update(from: $0.baseAddress!, count: dimension) }
            if !fresh { storage.clearLinks(slot) }
            work.append((slot, level, fresh))
        }
        var first = 0
        if maxLevel < 0, let item = work.first {
            // The first node of an empty graph is linked alone; it becomes the entry point.
            link(item.slot, level: item.level, locked: false)
            first = 1
        }
        if threads <= 1 || work.count - first <= 1 {
            for item in work[first...] { link(item.slot, level: item.level, locked: false) }
            return
        }
        let next = AtomicCounter(start: first)
        let box = UnsafeSendable(self)
        let list = UnsafeSendable(work)
        DispatchQueue.concurrentPerform(iterations: min(threads, work.count)) { _ in
            while true {
                let index = next.increment() - 1
                guard index < list.value.count else { break }
                let item = list.value[index]
                box.value.link(item.slot, level: item.level, locked: true)
            }
        }
    }

    /// Links `slot` (vector written, links empty) into the graph at levels 0...level.
    /// With `locked`, link lists are read and written under their node's mutex (parallel insert).
    func link(_ slot: UInt32, level: Int, locked: Bool) {
        // Entry point and top level; a node that raises the top level holds the entry mutex
        // while it links, so no other insert starts from a stale entry point.
        if locked { entryMutex.lock() }
        var entry = entryPoint
        var top = maxLevel
        let raisesTop = level > top
        if locked && !raisesTop { entryMutex.unlock() }
        defer {
            if raisesTop {
                entryPoint = slot
                maxLevel = level
            }
            if locked && raisesTop { entryMutex.unlock() }
        }
        if entry == Self.none { return }  // the first node: it becomes the entry point
        let query = storage.vector(slot)
        let visited = visitedPool.take(capacity: storage.capacity)
        defer { visitedPool.give(visited) }
        if entry == slot {
            // Re-linking the entry point itself: descend from the highest other node. No other
            // node lives above that one's level, so this node's lists up there rightly stay empty.
            entry = highestOtherNode(than: slot)
            if entry == Self.none { return }
            top = min(top, Int(storage.levels[Int(entry)]))
        }
        var entryDistance = distance(query, entry)
        if top > level {
            for lc in stride(from: top, to: level, by: -1) {
                greedy(query, from: &entry, distance: &entryDistance, level: lc, locked: locked)
            }
        }
        // Select neighbours on every level first, then publish the node's own lists, and only then
        // add the reverse links that make it reachable. Another insert can therefore never append
        // to one of this node's lists before the node has written it (which would lose that link).
        var entries: [(distance: Float, node: UInt32)] = [(entryDistance, entry)]
        var selected: [(level: Int, neighbours: [(distance: Float, node: UInt32)])] = []
        for lc in stride(from: min(level, top), through: 0, by: -1) {
            let candidates = searchLayer(query, entries: entries, ef: parameters.efConstruction, level: lc,
                                         visited: visited, locked: locked, exclude: slot).sortedAscending()
            selected.append((lc, selectNeighbours(query, candidates: candidates, count: parameters.M)))
            entries = candidates
        }
        for (lc, neighbours) in selected {
            setLinks(slot, level: lc, neighbours: neighbours.map(\.node), locked: locked)
        }
        for (lc, neighbours) in selected {
            for neighbour in neighbours {
                addReverseLink(from: neighbour.node, to: slot, distance: neighbour.distance, level: lc, locked: locked)
            }
        }
    }

    /// The node other than `slot` on the highest level (of those, a live one if any), or `none`.
    /// Tombstones keep their links, so one may serve as the starting point.
    private func highestOtherNode(than slot: UInt32) -> UInt32 {
        var best = Self.none
        var bestLevel = -1
        var bestIsLive = false
        for candidate in 0..<UInt32(slotCount) where candidate != slot {
            let level = Int(storage.levels[Int(candidate)])
            let live = !storage.isDeleted(candidate)
            if level > bestLevel || (level == bestLevel && live && !bestIsLive) {
                best = candidate
                bestLevel = level
                bestIsLive = live
            }
        }
        return best
    }

    @inline(__always)
    func distance(_ a: UnsafePointer<Float>, _ slot: UInt32) -> Float {
        DistanceKernels.distance(metric, a, storage.vector(slot), dimension)
    }

    @inline(__always)
    func distance(_ a: UInt32, _ b: UInt32) -> Float {
        DistanceKernels.distance(metric, storage.vector(a), storage.vector(b), dimension)
    }

    /// Copies the neighbours of `slot` at `level` (under its mutex when `locked`).
    @inline(__always)
    private func neighbours(_ slot: UInt32, level: Int, locked: Bool, into buffer: inout [UInt32]) {
        buffer.removeAll(keepingCapacity: true)
        if locked { nodeLocks.lock(slot) }
        let list = storage.links(slot, level: level)
        let n = Int(list[0])
        for i in 0..<n { buffer.append(list[1 + i]) }
        if locked { nodeLocks.unlock(slot) }
    }

    /// Greedy descent on one level: moves `entry` to its closest neighbour until none is closer.
    func greedy(_ query: UnsafePointer<Float>, from entry: inout UInt32, distance best: inout Float, level: Int, locked: Bool) {
        var buffer: [UInt32] = []
        buffer.reserveCapacity(storage.maxLinks0)
        var changed = true
        while changed {
            changed = false
            neighbours(entry, level: level, locked: locked, into: &buffer)
            for candidate in buffer {
                let d = distance(query, candidate)
                if d < best {
                    best = d
                    entry = candidate
                    changed = true
                }
            }
        }
    }

    /// The `ef` closest nodes found on `level` from `entries` (a max-heap: worst on top).
    /// Tombstoned nodes are traversed; `exclude` (the node being linked) is never returned.
    func searchLayer(_ query: UnsafePointer<Float>, entries: [(distance: Float, node: UInt32)], ef: Int, level: Int,
                     visited: VisitedList, locked: Bool, exclude: UInt32 = HNSWIndex.none,
                     skipDeleted: Bool = false, accept: ((UInt32) -> Bool)? = nil) -> DistanceHeap {
        var candidates = DistanceHeap(isMax: false, capacity: ef * 2)
        var results = DistanceHeap(isMax: true, capacity: ef + 1)
        // Hot loop: storage pointers in locals (no class-property access checks per step), link
        // lists read in place unless other threads may write them (`locked`), next vector prefetched.
        let s = storage
        let vectors = UnsafePointer(s.vectors)
        let dimension = self.dimension
        let metric = self.metric
        let copy = UnsafeMutablePointer<UInt32>.allocate(capacity: s.maxLinks0 + 1)
        defer { copy.deallocate() }
        visited.reset(capacity: s.capacity)
        let marks = visited.marks
        let generation = visited.generation
        let flags = UnsafePointer(s.flags)
        @inline(__always) func admissible(_ node: UInt32) -> Bool {
            node != exclude && !(skipDeleted && flags[Int(node)] & HNSWStorage.deletedFlag != 0) && (accept?(node) ?? true)
        }
        // The worst distance in a full result list (the pruning bound), cached.
        var bound = Float.infinity
        for entry in entries {
            guard visited.insert(entry.node) else { continue }
            candidates.push(entry.distance, entry.node)
            if admissible(entry.node) {
                results.push(entry.distance, entry.node)
                if results.count > ef { results.pop() }
                if results.count >= ef { bound = results.top!.distance }
            }
        }
        while let current = candidates.pop() {
            if current.distance > bound { break }
            if let next = candidates.top { DistanceKernels.prefetch(s.links(next.node, level: level)) }
            var list = UnsafePointer(s.links(current.node, level: level))
            if locked {
                nodeLocks.lock(current.node)
                copy.update(from: list, count: Int(list[0]) + 1)
                nodeLocks.unlock(current.node)
                list = UnsafePointer(copy)
            }
            let count = Int(list[0])
            if count > 0 {
                for i in 1...count { DistanceKernels.prefetch(marks + Int(list[i])) }
                DistanceKernels.prefetch(vectors + Int(list[1]) * dimension)
            }
            for i in 1...max(count, 1) where count > 0 {
                let candidate = list[i]
                if i < count { DistanceKernels.prefetch(vectors + Int(list[i + 1]) * dimension) }
                guard marks[Int(candidate)] != generation else { continue }
                marks[Int(candidate)] = generation
                let d = DistanceKernels.distance(metric, query, vectors + Int(candidate) * dimension, dimension)
                if d < bound {
                    candidates.push(d, candidate)
                    if admissible(candidate) {
                        results.push(d, candidate)
                        if results.count > ef { results.pop() }
                        if results.count >= ef { bound = results.top!.distance }
                    }
                }
            }
        }
        return results
    }

    /// Two stored vectors count as copies of one another when their squared Euclidean distance is at
    /// most this fraction of the squared norm of the vector whose links are being chosen (a relative
    /// difference of 1e-5). The same text embedded in two different batches differs by ~1e-7 a
    /// component (~1e-12 relative); nothing a search tells apart is that close.
    static let copyTolerance: Float = 1e-10

    /// Algorithm 4 (heuristic): keep a candidate only if it is closer to the query than to every
    /// neighbour already kept; of copies of one vector, keep at most a quarter of the list.
    /// `candidates` sorted by ascending distance.
    ///
    /// Why copies: the rule alone never lets (near-)identical vectors rule each other out, since
    /// each copy is as close to the others as to the query (up to rounding), so a group of more than
    /// M copies spends every link of its members inside the group. No edge leaves it, and a search
    /// that enters it (an insert's, or a query's from an entry point among the copies) cannot get
    /// out: recall@10 ~0.58 for ordinary queries on 6,000 glosses plus 3,000 copies of one
    /// placeholder text (hnswlib 0.8: ~0.04 with exact copies). Capped, a copy links to a few other
    /// copies (enough that a query at the copies finds many of them, also after most are deleted)
    /// and to diverse neighbours. Only vectors at the query's own position count: a candidate can be
    /// a copy of a kept neighbour without being ruled out by the rule above only when the query
    /// sits among them.
    func selectNeighbours(_ query: UnsafePointer<Float>, candidates: [(distance: Float, node: UInt32)], count: Int)
        -> [(distance: Float, node: UInt32)]
    {
        if candidates.count <= count { return candidates }
        let scale = max(DistanceKernels.dot(query, query, dimension), .leastNormalMagnitude)
        // Distances that differ by less than this may be rounding of one another (cosine and ip
        // distances are `1 - a·b`): such pairs are checked by their Euclidean distance.
        let slack = 1e-5 * max(scale, 1)
        let extraCopies = max(count / 4 - 1, 0)
        var copies = 0
        var kept: [(distance: Float, node: UInt32)] = []
        kept.reserveCapacity(count)
        for candidate in candidates {
            var good = true
            var isCopy = false
            for chosen in kept {
                let between = distance(candidate.node, chosen.node)
                if between < candidate.distance {
                    good = false
                    break
                }
                if !isCopy, abs(between - candidate.distance) <= slack, abs(chosen.distance - candidate.distance) <= slack,
                   DistanceKernels.squaredEuclidean(storage.vector(candidate.node), storage.vector(chosen.node), dimension)
                    <= Self.copyTolerance * scale
                {
                    isCopy = true
                }
            }
            if good && isCopy {
                good = copies < extraCopies
                copies += 1
            }
            if good {
                kept.append(candidate)
                if kept.count >= count { break }
            }
        }
        return kept
    }

    private func setLinks(_ slot: UInt32, level: Int, neighbours: [UInt32], locked: Bool) {
        let write = {
            let list = self.storage.links(slot, level: level)
            list[0] = UInt32(neighbours.count)
            for (i, n) in neighbours.enumerated() { list[1 + i] = n }
        }
        if locked { nodeLocks.withLock(slot, write) } else { write() }
    }

    /// Adds `slot` to the links of `node` at `level`; when the list is full, re-selects it with the
    /// heuristic over the old neighbours plus `slot`.
    private func addReverseLink(from node: UInt32, to slot: UInt32, distance linkDistance: Float, level: Int, locked: Bool) {
        let update = {
            guard level <= Int(self.storage.levels[Int(node)]) else { return }
            let list = self.storage.links(node, level: level)
            let n = Int(list[0])
            for i in 0..<n where list[1 + i] == slot { return }
            let limit = self.storage.maxLinks(level: level)
            if n < limit {
                list[1 + n] = slot
                list[0] = UInt32(n + 1)
                return
            }
            var candidates: [(distance: Float, node: UInt32)] = [(linkDistance, slot)]
            let base = self.storage.vector(node)
            for i in 0..<n { candidates.append((self.distance(base, list[1 + i]), list[1 + i])) }
            candidates.sort { $0.distance < $1.distance }
            let kept = self.selectNeighbours(base, candidates: candidates, count: limit)
            list[0] = UInt32(kept.count)
            for (i, k) in kept.enumerated() { list[1 + i] = k.node }
        }
        if locked { nodeLocks.withLock(node, update) } else { update() }
    }

    // MARK: - Repair

    private func repairIfNeeded(threads: Int) {
        let live = labelToSlot.count
        guard pendingTombstones > 0, Double(pendingTombstones) > Self.repairThreshold * Double(max(live, 1)) else { return }
        repairLocked(threads: threads)
    }

    /// Reconnects every live node whose links touch a tombstone: its candidates become its live
    /// neighbours plus the live neighbours of its tombstoned neighbours, re-selected with the
    /// heuristic. Tombstones are then unreachable except as the entry point, which moves to a live
    /// node on the top level if needed.
    public func repair() {
        lock.withWriteLock { repairLocked(threads: ProcessInfo.processInfo.activeProcessorCount) }
    }

    private func repairLocked(threads: Int) {
        let count = slotCount
        let box = UnsafeSendable(self)
        let parts = max(1, min(threads, count / 1024 + 1))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let index = box.value
            var slot = part
            while slot < count {
                index.repairNode(UInt32(slot))
                slot += parts
            }
        }
        // The entry point must be live: pick a live node of the highest level.
        if entryPoint != Self.none && storage.isDeleted(entryPoint) {
            var best: UInt32 = Self.none
            var bestLevel = -1
            for slot in 0..<UInt32(slotCount) where !storage.isDeleted(slot) && Int(storage.levels[Int(slot)]) > bestLevel {
                best = slot
                bestLevel = Int(storage.levels[Int(slot)])
            }
            // Levels above the new entry's hold only tombstones now; searches start lower.
            entryPoint = best
            maxLevel = best == Self.none ? -1 : bestLevel
        }
        pendingTombstones = 0
    }

    /// Repairs one node's lists (reads other nodes' lists, writes only its own, under its mutex).
    private func repairNode(_ slot: UInt32) {
        guard !storage.isDeleted(slot) else { return }
        let base = storage.vector(slot)
        for level in 0...Int(storage.levels[Int(slot)]) {
            var current: [UInt32] = []
            neighbours(slot, level: level, locked: true, into: &current)
            guard current.contains(where: { storage.isDeleted($0) }) else { continue }
            var seen = Set<UInt32>([slot])
            var candidates: [(distance: Float, node: UInt32)] = []
            var second: [UInt32] = []
            for n in current {
                if storage.isDeleted(n) {
                    guard level <= Int(storage.levels[Int(n)]) else { continue }
                    neighbours(n, level: level, locked: true, into: &second)
                    for m in second where !storage.isDeleted(m) && seen.insert(m).inserted {
                        candidates.append((distance(base, m), m))
                    }
                } else if seen.insert(n).inserted {
                    candidates.append((distance(base, n), n))
                }
            }
            candidates.sort { $0.distance < $1.distance }
            let kept = selectNeighbours(base, candidates: candidates, count: storage.maxLinks(level: level))
            setLinks(slot, level: level, neighbours: kept.map(\.node), locked: true)
        }
    }
}

/// A counter shared by worker threads. Guarded by a mutex.
final class AtomicCounter: @unchecked Sendable {
    private let mutex = PlainMutex()
    private var value: Int

    init(start: Int = 0) { value = start }

    func increment() -> Int {
        mutex.withLock {
            value += 1
            return value
        }
    }
}

/// Carries a value into `concurrentPerform` whose iterations the caller synchronises.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
