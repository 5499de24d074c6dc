import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `lodestar index build/search`, including a process killed while it saves.
@Suite struct IndexCLITests {
    static func writeFvecs(_ rows: [[Float]], to path: String) throws {
        var data = Data()
        for row in rows {
            withUnsafeBytes(of: Int32(row.count).littleEndian) { data.append(contentsOf: $0) }
            for v in row { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func randomRows(_ count: Int, _ dimension: Int, seed: UInt64) -> [[Float]] {
        var state = seed
        return (0..<count).map { _ in
            (0..<dimension).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(state >> 40) / Float(1 << 24) - 0.5
            }
        }
    }

    static func ivecs(_ data: Data) -> [[Int32]] {
        var rows: [[Int32]] = []
        var offset = 0
        while offset + 4 <= data.count {
            let n = Int(data.subdata(in: offset..<offset + 4).withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })
            offset += 4
            rows.append((0..<n).map { i in data.subdata(in: offset + 4 * i..<offset + 4 * i + 4).withUnsafeBytes { $0.loadUnaligned(as: Int32.self) } })
            offset += 4 * n
        }
        return rows
    }

    @Test func buildAndSearchMatchExactAnswers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-idx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = directory + "/base.fvecs", queries = directory + "/q.fvecs", index = directory + "/i.hnsw"
        try Self.writeFvecs(Self.randomRows(3000, 17, seed: 1), to: base)
        try Self.writeFvecs(Self.randomRows(50, 17, seed: 2), to: queries)
        let build = try CLITests.run(["index", "build", "--vectors", base, "--metric", "l2", "--M", "12", "--ef-construction", "100", "--output", index])
        #expect(build.status == 0, "\(build.stderr)")
        let approximate = try CLITests.run(["index", "search", "--index", index, "--queries", queries, "--k", "10", "--ef", "200"])
        #expect(approximate.status == 0, "\(approximate.stderr)")
        #expect(approximate.stderr.contains("queries=50") && approximate.stderr.contains("qps="))
        let exact = try CLITests.run(["index", "search", "--index", index, "--queries", queries, "--k", "10", "--exact", "--threads", "2"])
        let found = Self.ivecs(approximate.stdout), truth = Self.ivecs(exact.stdout)
        #expect(found.count == 50 && truth.count == 50 && found.allSatisfy { $0.count == 10 })
        let hits = zip(found, truth).reduce(0) { $0 + Set($1.0).intersection($1.1).count }
        #expect(Double(hits) / 500 >= 0.95)

        // A filter: only ids 0, 7, 14, ... may come back, as exact scan and as graph walk.
        let allowedFile = directory + "/allowed.txt"
        try Data((stride(from: 0, to: 3000, by: 7).map(String.init).joined(separator: "\r\n") + "\r\n\r\n").utf8).write(to: URL(fileURLWithPath: allowedFile))
        for limit in ["0", "100000"] {
            let filtered = try CLITests.run(["index", "search", "--index", index, "--queries", queries, "--k", "10", "--ef", "200",
                                             "--allowed-ids", allowedFile, "--exact-scan-limit", limit])
            #expect(filtered.status == 0, "\(filtered.stderr)")
            let rows = Self.ivecs(filtered.stdout)
            #expect(rows.count == 50 && rows.allSatisfy { $0.count == 10 && $0.allSatisfy { $0 % 7 == 0 } })
        }
        try Data("12\nnot-a-number\n".utf8).write(to: URL(fileURLWithPath: allowedFile))
        let badIDs = try CLITests.run(["index", "search", "--index", index, "--queries", queries, "--allowed-ids", allowedFile])
        #expect(badIDs.status != 0 && badIDs.stderr.contains("not an id"))

        let bad = try CLITests.run(["index", "search", "--index", base, "--queries", queries, "--k", "10"])
        #expect(bad.status != 0 && bad.stderr.contains("not a Lodestar index file"))
        let wrongDimension = directory + "/wrong.fvecs"
        try Self.writeFvecs(Self.randomRows(2, 5, seed: 3), to: wrongDimension)
        let mismatch = try CLITests.run(["index", "search", "--index", index, "--queries", wrongDimension, "--k", "3"])
        #expect(mismatch.status != 0 && mismatch.stderr.contains("dimension"))
        let metric = try CLITests.run(["index", "build", "--vectors", base, "--metric", "hamming", "--output", index])
        #expect(metric.status != 0)
    }

    /// kill -9 at many points of a build that ends in a save: the previous file always loads, and
    /// holds either the old index or the complete new one.
    @Test func killDuringSaveLeavesThePreviousFileLoadable() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-kill-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let small = directory + "/small.fvecs", large = directory + "/large.fvecs", query = directory + "/q.fvecs"
        let index = directory + "/index.hnsw"
        try Self.writeFvecs(Self.randomRows(200, 64, seed: 4), to: small)
        try Self.writeFvecs(Self.randomRows(40_000, 64, seed: 5), to: large)
        try Self.writeFvecs(Self.randomRows(1, 64, seed: 6), to: query)
        let fast = ["--M", "4", "--ef-construction", "8"]
        #expect(try CLITests.run(["index", "build", "--vectors", small, "--metric", "l2", "--output", index] + fast).status == 0)
        let old = try CLITests.run(["index", "search", "--index", index, "--queries", query, "--k", "1", "--exact"]).stdout

        // How long a full build-and-save takes, to spread the kills over its end (the save).
        let startedAt = Date()
        let probe = directory + "/probe.hnsw"
        #expect(try CLITests.run(["index", "build", "--vectors", large, "--metric", "l2", "--output", probe] + fast).status == 0)
        let total = Date().timeIntervalSince(startedAt)
        let new = try CLITests.run(["index", "search", "--index", probe, "--queries", query, "--k", "1", "--exact"]).stdout
        #expect(old != new)

        var outcomes: [String: Int] = [:]
        for trial in 0..<10 {
            let process = Process()
            process.executableURL = CLITests.executable
            process.arguments = ["index", "build", "--vectors", large, "--metric", "l2", "--output", index] + fast
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let delay = total * (0.55 + 0.05 * Double(trial))
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try CLITests.run(["index", "search", "--index", index, "--queries", query, "--k", "1", "--exact"])
            #expect(after.status == 0, "trial \(trial): the index no longer loads: \(after.stderr)")
            #expect(after.stdout == old || after.stdout == new, "trial \(trial): neither the old nor the new index")
            outcomes[after.stdout == old ? "old" : "new", default: 0] += 1
        }
        print("kill during save: \(outcomes)")
    }
}
