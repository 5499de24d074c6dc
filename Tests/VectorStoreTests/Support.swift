import Foundation
@testable import VectorStore

/// A deterministic stand-in for the engine: hashed bag of words, so texts sharing words are close.
/// Counts calls to check batching.
final class HashingEmbedder: DocumentEmbedder, @unchecked Sendable {
    let modelName = "hashing-test"
    let dimension = 64
    private let lock = NSLock()
    private var calls = 0
    private var texts = 0

    var embeddedTexts: Int { lock.withLock { texts } }

    func embed(_ batch: [String]) async throws -> [[Float]] {
        lock.withLock {
            calls += 1
            texts += batch.count
        }
        return batch.map(Self.vector)
    }

    static func vector(_ text: String) -> [Float] {
        var v = [Float](repeating: 0, count: 64)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            var hash: UInt64 = 1469598103934665603
            for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
            v[Int(hash % 64)] += 1
        }
        if !v.contains(where: { $0 != 0 }) { v[0] = 1 }
        return v
    }
}

/// A fresh temporary directory, removed by `cleanup()`.
struct TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "lodestar-store-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Deterministic pseudo-random numbers (SplitMix64).
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    mutating func vector(_ dimension: Int) -> [Float] { (0..<dimension).map { _ in float() } }
}
