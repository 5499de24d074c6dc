/// The raw memory of an HNSW graph: vectors, labels, levels, flags and link lists, in flat
/// buffers indexed by slot.
///
/// Layout per slot (as hnswlib's, so memory per vector matches it):
/// - vector: `dimension` floats;
/// - level-0 links: one `UInt32` count, then `2M` neighbour slots;
/// - label `UInt64`, level `UInt8`, flags `UInt8`;
/// - upper levels (only for the ~1/M of nodes above level 0): a separate block of
///   `level × (1 + M)` `UInt32`s.
///
/// Unchecked in release: slots are below `capacity`, levels at most the node's level; callers
/// (HNSWIndex) keep these invariants and the asserts state them in debug builds. Growth
/// reallocates, so callers hold the index's exclusive lock to grow.
final class HNSWStorage {
    let dimension: Int
    let maxLinks: Int        // M, upper levels
    let maxLinks0: Int       // 2M, level 0
    private(set) var capacity: Int

    private(set) var vectors: UnsafeMutablePointer<Float>
    private(set) var level0: UnsafeMutablePointer<UInt32>
    private(set) var upper: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
    private(set) var levels: UnsafeMutablePointer<UInt8>
    private(set) var labels: UnsafeMutablePointer<UInt64>
    private(set) var flags: UnsafeMutablePointer<UInt8>

    static let deletedFlag: UInt8 = 1

    var level0Stride: Int { 1 + maxLinks0 }
    var upperStride: Int { 1 + maxLinks }

    init(dimension: Int, M: Int, capacity: Int) {
        self.dimension = dimension
        maxLinks = M
        maxLinks0 = 2 * M
        self.capacity = max(capacity, 16)
        vectors = .allocate(capacity: self.capacity * dimension)
        level0 = .allocate(capacity: self.capacity * (1 + 2 * M))
        upper = .allocate(capacity: self.capacity)
        levels = .allocate(capacity: self.capacity)
        labels = .allocate(capacity: self.capacity)
        flags = .allocate(capacity: self.capacity)
        upper.initialize(repeating: nil, count: self.capacity)
        level0.initialize(repeating: 0, count: self.capacity * (1 + 2 * M))
        levels.initialize(repeating: 0, count: self.capacity)
        flags.initialize(repeating: 0, count: self.capacity)
        labels.initialize(repeating: 0, count: self.capacity)
    }

    deinit {
        for slot in 0..<capacity { upper[slot]?.deallocate() }
        vectors.deallocate(); level0.deallocate(); upper.deallocate()
        levels.deallocate(); labels.deallocate(); flags.deallocate()
    }

    /// Grows to at least `needed` slots, keeping the first `used` slots.
    func grow(to needed: Int, used: Int) {
        guard needed > capacity else { return }
        let newCapacity = max(needed, capacity * 2)
        func move<T>(_ old: UnsafeMutablePointer<T>, _ perSlot: Int, fill: T) -> UnsafeMutablePointer<T> {
            let fresh = UnsafeMutablePointer<T>.allocate(capacity: newCapacity * perSlot)
            fresh.moveInitialize(from: old, count: used * perSlot)
            (fresh + used * perSlot).initialize(repeating: fill, count: (newCapacity - used) * perSlot)
            old.deallocate()
            return fresh
        }
        // Slots between `used` and the old capacity hold no upper blocks (allocated only when used).
        vectors = move(vectors, dimension, fill: 0)
        level0 = move(level0, level0Stride, fill: 0)
        upper = move(upper, 1, fill: nil)
        levels = move(levels, 1, fill: 0)
        labels = move(labels, 1, fill: 0)
        flags = move(flags, 1, fill: 0)
        capacity = newCapacity
    }

    @inline(__always)
    func vector(_ slot: UInt32) -> UnsafeMutablePointer<Float> {
        assert(Int(slot) < capacity)
        return vectors + Int(slot) * dimension
    }

    /// The link list of `slot` at `level`: element 0 is the count, then the neighbours.
    @inline(__always)
    func links(_ slot: UInt32, level: Int) -> UnsafeMutablePointer<UInt32> {
        assert(Int(slot) < capacity && level <= Int(levels[Int(slot)]))
        if level == 0 { return level0 + Int(slot) * level0Stride }
        return upper[Int(slot)]! + (level - 1) * upperStride
    }

    @inline(__always)
    func maxLinks(level: Int) -> Int { level == 0 ? maxLinks0 : maxLinks }

    /// Gives `slot` the given level, with empty link lists at every level.
    func reset(_ slot: UInt32, level: Int) {
        let s = Int(slot)
        levels[s] = UInt8(level)
        level0[s * level0Stride] = 0
        upper[s]?.deallocate()
        upper[s] = nil
        if level > 0 {
            let block = UnsafeMutablePointer<UInt32>.allocate(capacity: level * upperStride)
            block.initialize(repeating: 0, count: level * upperStride)
            upper[s] = block
        }
    }

    /// Empties the link lists of `slot` at every level, keeping its level.
    func clearLinks(_ slot: UInt32) {
        let s = Int(slot)
        level0[s * level0Stride] = 0
        for level in 0..<Int(levels[s]) { upper[s]![level * upperStride] = 0 }
    }

    @inline(__always)
    func isDeleted(_ slot: UInt32) -> Bool { flags[Int(slot)] & Self.deletedFlag != 0 }

    func setDeleted(_ slot: UInt32, _ deleted: Bool) {
        if deleted { flags[Int(slot)] |= Self.deletedFlag } else { flags[Int(slot)] &= ~Self.deletedFlag }
    }

    /// Bytes used per vector at level 0 (as hnswlib counts it: links, vector, label).
    var bytesPerVectorAtLevel0: Int { level0Stride * 4 + dimension * 4 + 8 }
}
