/// A binary heap of (distance, node) pairs. `isMax` selects a max-heap (the worst result on top)
/// or a min-heap (the closest candidate on top). Sift loops run on the array's buffer directly
/// (indices stay below `count`, so no bounds checks are needed there).
struct DistanceHeap {
    private(set) var items: ContiguousArray<(distance: Float, node: UInt32)> = []
    let isMax: Bool

    init(isMax: Bool, capacity: Int = 0) {
        self.isMax = isMax
        items.reserveCapacity(capacity)
    }

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    var top: (distance: Float, node: UInt32)? { items.first }

    @inline(__always)
    mutating func push(_ distance: Float, _ node: UInt32) {
        items.append((distance, node))
        let isMax = self.isMax
        items.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            let item = heap[child]
            while child > 0 {
                let parent = (child - 1) >> 1
                let p = heap[parent]
                guard isMax ? item.distance > p.distance : item.distance < p.distance else { break }
                heap[child] = p
                child = parent
            }
            heap[child] = item
        }
    }

    @inline(__always)
    @discardableResult
    mutating func pop() -> (distance: Float, node: UInt32)? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        let isMax = self.isMax
        items.withUnsafeMutableBufferPointer { heap in
            let n = heap.count
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < n else { break }
                var best = left
                let right = left + 1
                if right < n && (isMax ? heap[right].distance > heap[left].distance : heap[right].distance < heap[left].distance) {
                    best = right
                }
                guard isMax ? heap[best].distance > last.distance : heap[best].distance < last.distance else { break }
                heap[parent] = heap[best]
                parent = best
            }
            heap[parent] = last
        }
        return first
    }

    /// The contents sorted by ascending distance (ties by node for determinism).
    func sortedAscending() -> [(distance: Float, node: UInt32)] {
        items.sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.node < $1.node }
    }
}

/// Marks nodes visited during one search with a 16-bit generation counter (as hnswlib: half the
/// cache footprint of 32-bit marks), so clearing is O(1) except once every 65,535 searches.
/// Unchecked in release: nodes passed to `insert` are below the capacity given to `reset`.
final class VisitedList {
    private(set) var marks: UnsafeMutablePointer<UInt16>
    private var capacity: Int
    private(set) var generation: UInt16 = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        marks = .allocate(capacity: self.capacity)
        marks.initialize(repeating: 0, count: self.capacity)
    }

    deinit { marks.deallocate() }

    /// Starts a new search over `capacity` nodes.
    func reset(capacity needed: Int) {
        if capacity < needed {
            marks.deallocate()
            capacity = needed + needed / 2
            marks = .allocate(capacity: capacity)
            marks.initialize(repeating: 0, count: capacity)
            generation = 0
        }
        generation &+= 1
        if generation == 0 {
            marks.update(repeating: 0, count: capacity)
            generation = 1
        }
    }

    /// Marks `node`; returns `false` when it was already marked in this search.
    @inline(__always)
    func insert(_ node: UInt32) -> Bool {
        assert(Int(node) < capacity, "node outside the visited list")
        if marks[Int(node)] == generation { return false }
        marks[Int(node)] = generation
        return true
    }
}

/// Reusable visited lists shared by concurrent searches.
final class VisitedPool: @unchecked Sendable {
    private let mutex = PlainMutex()
    private var free: [VisitedList] = []

    func take(capacity: Int) -> VisitedList {
        let list = mutex.withLock { free.popLast() } ?? VisitedList(capacity: capacity)
        list.reset(capacity: capacity)
        return list
    }

    func give(_ list: VisitedList) { mutex.withLock { free.append(list) } }
}
