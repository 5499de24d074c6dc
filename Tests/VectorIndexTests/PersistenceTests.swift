import Foundation
import Testing
@testable import VectorIndex

@Suite struct PersistenceTests {
    static func sample(count: Int = 600, dimension: Int = 12, metric: Metric = .cosine) throws -> (HNSWIndex, [[Float]]) {
        var data = TestData(seed: 31)
        let vectors = data.clustered(count: count, dimension: dimension)
        let index = try HNSWIndex(dimension: dimension, metric: metric, parameters: .init(M: 8, efConstruction: 64))
        try index.add(ids: (0..<UInt64(count)).map { $0 * 3 + 1 }, vectors: vectors, threads: 1)
        index.remove(ids: [4, 7, 10])
        return (index, data.clustered(count: 20, dimension: dimension))
    }

    @Test func roundTripGivesIdenticalResults() throws {
        let (index, queries) = try Self.sample()
        let path = TestData.temporaryPath("round.hnsw")
        try index.save(to: path)
        let loaded = try HNSWIndex.load(from: path)
        #expect(loaded.count == index.count && loaded.dimension == 12 && loaded.metric == .cosine)
        #expect(loaded.parameters.M == 8 && loaded.parameters.efConstruction == 64)
        for query in queries {
            #expect(try loaded.search(query, k: 10) == index.search(query, k: 10))
        }
        // The reloaded index keeps working: inserts reuse tombstones, saves again.
        try loaded.add(id: 99_999, vector: queries[0])
        #expect(try loaded.search(queries[0], k: 1).first?.id == 99_999)
        try loaded.save(to: path)
        #expect(try HNSWIndex.load(from: path).count == index.count + 1)
        let empty = try HNSWIndex(dimension: 5, metric: .l2)
        try empty.save(to: path)
        #expect(try HNSWIndex.load(from: path).count == 0)
    }

    @Test func everyFlippedByteIsDetected() throws {
        let (index, _) = try Self.sample(count: 40, dimension: 4)
        let path = TestData.temporaryPath("flip.hnsw")
        try index.save(to: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let damaged = TestData.temporaryPath("damaged.hnsw")
        for position in 0..<original.count {
            var bytes = original
            bytes[position] ^= 0x5A
            try bytes.write(to: URL(fileURLWithPath: damaged))
            do {
                _ = try HNSWIndex.load(from: damaged)
                Issue.record("a flipped byte at \(position) of \(original.count) was not detected")
            } catch {
                switch error {
                case .corrupt, .notAnIndexFile, .truncated, .unsupportedVersion: break
                default: Issue.record("unexpected error \(error) at \(position)")
                }
            }
        }
    }

    /// A header whose checksum was recomputed after its counts were forged: huge slot counts and
    /// search parameters are refused before anything is allocated for them (the probe's 2^31−1
    /// slots, or efSearch 2^32−1, aborted the process).
    @Test func forgedHeaderCountsAreRefusedBeforeAllocating() throws {
        let (index, _) = try Self.sample(count: 50, dimension: 8)
        let path = TestData.temporaryPath("forged.hnsw")
        try index.save(to: path)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let forged = TestData.temporaryPath("forged-header.hnsw")
        func forge(_ edit: (inout [UInt8]) -> Void) throws -> VectorIndexError? {
            var bytes = original
            edit(&bytes)
            let checksum = bytes.withUnsafeBytes { Checksum.of(UnsafeRawBufferPointer(rebasing: $0[0..<96])) }
            withUnsafeBytes(of: checksum.littleEndian) { for i in 0..<8 { bytes[96 + i] = $0[i] } }
            try Data(bytes).write(to: URL(fileURLWithPath: forged))
            do {
                _ = try HNSWIndex.load(from: forged)
                return nil
            } catch {
                return error
            }
        }
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
            withUnsafeBytes(of: value.littleEndian) { for i in 0..<$0.count { bytes[offset + i] = $0[i] } }
        }
        for slots in [UInt64(Int32.max), 51, 1 << 40, UInt64.max] {
            #expect(try forge { put(slots, at: 36, in: &$0) } != nil, "slot count \(slots)")
        }
        for ef in [UInt32.max, UInt32(HNSWIndex.maxEf + 1)] {
            #expect(try forge { put(ef, at: 32, in: &$0) } != nil, "efSearch \(ef)")
            #expect(try forge { put(ef, at: 28, in: &$0) } != nil, "efConstruction \(ef)")
        }
        #expect(try forge { put(UInt32.max, at: 20, in: &$0) } != nil, "dimension")
        #expect(try forge { _ in } == nil, "the unforged file must load")
        #expect(throws: VectorIndexError.self) {
            try HNSWIndex(dimension: 8, metric: .l2, parameters: .init(efSearch: Int(UInt32.max)))
        }
    }

    @Test func truncationsAreDetected() throws {
        let (index, _) = try Self.sample(count: 200, dimension: 8)
        let path = TestData.temporaryPath("cut.hnsw")
        try index.save(to: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = TestData.temporaryPath("cut-short.hnsw")
        for length in Array(0..<200) + stride(from: 200, to: original.count, by: 97).map({ $0 }) + [original.count - 1] {
            try original.prefix(length).write(to: URL(fileURLWithPath: cut))
            do {
                _ = try HNSWIndex.load(from: cut)
                Issue.record("a file cut at \(length) loaded")
            } catch {
                switch error {
                case .truncated, .corrupt: break
                default: Issue.record("cut at \(length): unexpected \(error)")
                }
            }
        }
    }

    @Test func foreignFilesAndNewerVersions() throws {
        let path = TestData.temporaryPath("foreign.hnsw")
        try Data("PNG not an index at all, definitely not".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: VectorIndexError.notAnIndexFile(path: path)) { try HNSWIndex.load(from: path) }
        let (index, _) = try Self.sample(count: 30, dimension: 4)
        try index.save(to: path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[8] = 2  // format version 2
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: VectorIndexError.unsupportedVersion(found: 2, supported: 1)) { try HNSWIndex.load(from: path) }
        #expect(throws: VectorIndexError.self) { try HNSWIndex.load(from: "/nonexistent/index.hnsw") }
    }

    @Test func saveReplacesAtomically() throws {
        let (index, queries) = try Self.sample()
        let directory = TestData.temporaryPath("dir")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/index.hnsw"
        try index.save(to: path)
        try index.save(to: path)
        // No temporary files are left behind by a successful save.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["index.hnsw"])
        #expect(try HNSWIndex.load(from: path).search(queries[0], k: 3) == index.search(queries[0], k: 3))
        // A save into a missing directory fails cleanly.
        #expect(throws: VectorIndexError.self) { try index.save(to: "/nonexistent/dir/index.hnsw") }
    }

    @Test func checksumDetectsSingleWordChanges() {
        let words: [UInt64] = (0..<64).map { $0 &* 0x1234_5678_9ABC_DEF1 }
        let base = words.withUnsafeBytes { Checksum.of($0) }
        for i in 0..<words.count {
            var changed = words
            changed[i] ^= 1 << UInt64(i % 64)
            #expect(changed.withUnsafeBytes { Checksum.of($0) } != base)
        }
        var streamed = Checksum()
        words.withUnsafeBytes { raw in
            streamed.update(UnsafeRawBufferPointer(rebasing: raw[0..<13]))
            streamed.update(UnsafeRawBufferPointer(rebasing: raw[13..<200]))
            streamed.update(UnsafeRawBufferPointer(rebasing: raw[200...]))
        }
        #expect(streamed.value == base)
    }
}
