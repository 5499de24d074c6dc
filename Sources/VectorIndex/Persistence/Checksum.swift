/// A streaming 64-bit checksum of index file sections: each 8-byte little-endian word is folded in
/// with `h = (h ^ w) · p` (p odd, so every step is a bijection and any change to a single word
/// changes the result), then the length is mixed in with a final avalanche.
struct Checksum {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325
    private var pending: UInt64 = 0
    private var pendingBytes = 0
    private var length: UInt64 = 0
    private static let prime: UInt64 = 0x0000_0100_0000_01B3 &* 0x9E37_79B9_7F4A_7C15 | 1

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var index = 0
        let count = bytes.count
        // Finish a partial word left by the previous call.
        while pendingBytes != 0 && index < count {
            pending |= UInt64(bytes[index]) << (8 * UInt64(pendingBytes))
            pendingBytes += 1
            index += 1
            if pendingBytes == 8 {
                state = (state ^ pending) &* Self.prime
                pending = 0
                pendingBytes = 0
            }
        }
        guard let base = bytes.baseAddress else { return }
        while index + 8 <= count {
            let word = UInt64(littleEndian: (base + index).loadUnaligned(as: UInt64.self))
            state = (state ^ word) &* Self.prime
            index += 8
        }
        while index < count {
            pending |= UInt64(bytes[index]) << (8 * UInt64(pendingBytes))
            pendingBytes += 1
            index += 1
        }
    }

    var value: UInt64 {
        var h = state
        if pendingBytes > 0 { h = (h ^ pending) &* Self.prime }
        h = (h ^ length) &* Self.prime
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }

    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var checksum = Checksum()
        checksum.update(bytes)
        return checksum.value
    }
}
