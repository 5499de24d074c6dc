/// SplitMix64: a small, fast, seedable generator, so that whatever draws from it (an index build on
/// one thread, the demo's simulated history, the test fuzzer) is reproducible. The one seeded
/// generator of the package.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    /// The generator's whole state (saved in index files to resume the same sequence).
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }
    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in (0, 1].
    public mutating func unitInterval() -> Double {
        (Double(next() >> 11) + 1) * 0x1p-53
    }

    /// A uniform double in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
