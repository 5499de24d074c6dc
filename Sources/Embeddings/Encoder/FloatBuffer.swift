/// A growable `Float` buffer used as scratch space by the encoder (`HugePageBuffer` memory in
/// ordinary pages: see there why).
///
/// `pointer` stays valid until the next `reserve` that grows the buffer, or until the buffer is
/// released. Unchecked in release: callers index within `capacity` (asserted in debug builds by the
/// kernels that take counts).
final class FloatBuffer {
    private var storage: HugePageBuffer

    init(capacity: Int = 0) {
        storage = HugePageBuffer(count: max(capacity, 16), hugePages: false)
    }

    var pointer: UnsafeMutablePointer<Float> { storage.base }
    var capacity: Int { storage.count }

    /// Makes room for `count` floats (contents are not preserved when it grows).
    @discardableResult
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        precondition(count >= 0, "negative buffer size")
        if count > storage.count {
            storage = HugePageBuffer(count: max(count, storage.count + storage.count / 2), hugePages: false)
        }
        return storage.base
    }
}
