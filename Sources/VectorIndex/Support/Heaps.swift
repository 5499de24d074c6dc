/// A binary heap of (distance, node) pairs. `isMax` selects a max-heap (the worst result on top)
/// or a min-heap (the closest candidate on top).
struct DistanceHeap {
    private(set) var items: [(distance: Float, node: UInt32)] = []
    let isMax: Bool

    init(isMax: Bool, capacity: Int = 0) {
        self.isMax = isMax
        items.reserveCapacity(capacity)
    }

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    var top: (distance: Float, node: UInt32)? { items.first }

    @inline(__always)
    private func before(_ a: Float, _ b: Float) -> Bool { isMax ? a > b : a < b }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ distance: Float, _ node: UInt32) {
        items.append((distance, node))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(items[child].distance, items[parent].distance) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func pop() -> (distance: Float, node: UInt32)? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            let n = items.count
            while true {
                let left = 2 * parent + 1
                guard left < n else { break }
                var best = left
                let right = left + 1
                if right < n && before(items[right].distance, items[left].distance) { best = right }
                guard before(items[best].distance, items[parent].distance) else { break }
                items.swapAt(best, parent)
                parent = best
            }
        }
        return first
    }

    /// The contents sorted by ascending distance (ties by node for determinism).
    func sortedAscending() -> [(distance: Float, node: UInt32)] {
        items.sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.node < $1.node }
    }
}

/// Marks nodes visited during one search with a generation counter, so clearing is O(1).
/// Unchecked in release: nodes passed to `insert` are below the capacity given to `reset`.
final class VisitedList {
    private var marks: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    private var generation: UInt32 = 0

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
