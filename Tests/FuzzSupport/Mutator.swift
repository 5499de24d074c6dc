import Foundation
import LodestarSupport

/// A seeded mutation fuzzer for the test suites: it derives inputs from valid seeds by flipping,
/// inserting, deleting, duplicating and splicing bytes and by planting boundary values, so every
/// run explores the same inputs (a failure reproduces with its seed and iteration) within a time
/// budget. A crash fails the test process; a wrong answer is recorded by the caller's checks.
public struct Mutator {
    private var random: SeededRandom
    public let seeds: [[UInt8]]

    /// Bytes that parsers treat specially, planted by mutations.
    static let interesting: [[UInt8]] = [
        [0x00], [0xFF], [0x7F], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], Array("\\u0000".utf8),
        Array("\\ud800".utf8), Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array("\"".utf8), Array("\\".utf8),
        Array(",".utf8), Array(":".utf8), Array("-".utf8), Array("1e999".utf8), Array("-0".utf8), Array("9223372036854775808".utf8),
        Array("1.7976931348623157e309".utf8), Array("null".utf8), Array("true".utf8), Array("$and".utf8), Array("$or".utf8),
        Array("$in".utf8), Array("$nin".utf8), Array("$gt".utf8), Array("$contains".utf8), [0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0x80],
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
    ]

    public init(seed: UInt64, seeds: [[UInt8]]) {
        random = SeededRandom(seed: seed)
        self.seeds = seeds.isEmpty ? [[]] : seeds
    }

    public mutating func next() -> UInt64 { random.next() }

    public mutating func int(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    /// One input: a seed with 1-8 mutations.
    public mutating func input() -> [UInt8] {
        var bytes = seeds[int(seeds.count)]
        for _ in 0..<(1 + int(8)) { mutate(&bytes) }
        return bytes
    }

    mutating func mutate(_ bytes: inout [UInt8]) {
        let position = int(bytes.count + 1)
        switch int(8) {
        case 0 where !bytes.isEmpty:  // flip bits
            let i = int(bytes.count)
            bytes[i] ^= UInt8(truncatingIfNeeded: 1 << int(8))
        case 1 where !bytes.isEmpty:  // a random byte
            bytes[int(bytes.count)] = UInt8(truncatingIfNeeded: next())
        case 2:  // insert a boundary value
            bytes.insert(contentsOf: Self.interesting[int(Self.interesting.count)], at: position)
        case 3 where !bytes.isEmpty:  // delete a run
            let end = min(bytes.count, position + 1 + int(16))
            if position < end { bytes.removeSubrange(position..<end) }
        case 4 where !bytes.isEmpty:  // duplicate a run
            let start = int(bytes.count)
            let run = Array(bytes[start..<min(bytes.count, start + 1 + int(64))])
            bytes.insert(contentsOf: run, at: position)
        case 5:  // splice another seed's run in
            let other = seeds[int(seeds.count)]
            if !other.isEmpty {
                let start = int(other.count)
                bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + int(64))], at: position)
            }
        case 6 where bytes.count > 1:  // truncate
            bytes.removeSubrange(position.clamped(1, bytes.count)...)
        default:  // overwrite a little-endian word with a boundary integer
            guard bytes.count >= 4 else { return }
            let words: [UInt32] = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF, 0x1_0000, UInt32(bytes.count)]
            let word = words[int(words.count)]
            let at = int(bytes.count - 3)
            for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: word >> (8 * UInt32(k))) }
        }
    }

    /// Runs `body` on fresh inputs until `seconds` pass or `limit` inputs ran; returns how many ran.
    @discardableResult
    public mutating func run(seconds: Double, limit: Int = .max, _ body: ([UInt8]) throws -> Void) rethrows -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        var count = 0
        while count < limit, count % 64 != 0 || Date() < deadline {
            try body(input())
            count += 1
        }
        return count
    }

    /// The async form of `run`.
    @discardableResult
    public mutating func run(seconds: Double, limit: Int = .max, _ body: ([UInt8]) async throws -> Void) async rethrows -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        var count = 0
        while count < limit, count % 16 != 0 || Date() < deadline {
            try await body(input())
            count += 1
        }
        return count
    }
}

extension Int {
    func clamped(_ low: Int, _ high: Int) -> Int { Swift.min(Swift.max(self, low), high) }
}
