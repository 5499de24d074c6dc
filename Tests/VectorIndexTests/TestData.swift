import Foundation
@testable import VectorIndex

/// Deterministic test vectors: points around random cluster centres (like real embeddings,
/// which are far from uniform).
struct TestData {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func uniform() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 24) * 2 - 1
    }

    mutating func gaussian() -> Float {
        var s: Float = 0
        for _ in 0..<4 { s += uniform() }
        return s * 0.8660254
    }

    mutating func clustered(count: Int, dimension: Int, clusters: Int = 32, spread: Float = 0.35) -> [[Float]] {
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in gaussian() } }
        return (0..<count).map { i in centres[i % clusters].map { $0 + spread * gaussian() } }
    }

    static func recall(_ found: [[SearchResult]], _ truth: [[SearchResult]]) -> Double {
        var hits = 0, total = 0
        for (f, t) in zip(found, truth) {
            let expected = Set(t.map(\.id))
            hits += f.filter { expected.contains($0.id) }.count
            total += t.count
        }
        return total == 0 ? 1 : Double(hits) / Double(total)
    }

    static func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-index-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }
}

