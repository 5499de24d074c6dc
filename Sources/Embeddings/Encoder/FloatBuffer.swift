/// A growable, manually managed `Float` buffer used as scratch space by the encoder.
///
/// This is the one place the encoder allocates raw memory. `pointer` stays valid until the next
/// `reserve` that grows the buffer, or until the buffer is released. Unchecked in release: callers
/// index within `capacity` (asserted in debug builds by the kernels that take counts).
final class FloatBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` floats (contents are not preserved when it grows).
    @discardableResult
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        precondition(count >= 0, "negative buffer size")
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, capacity + capacity / 2)
            pointer = .allocate(capacity: capacity)
        }
        return pointer
    }
}
