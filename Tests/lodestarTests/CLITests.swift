import Foundation
import Testing

/// The `lodestar` command-line contract, run as a real process.
@Suite struct CLITests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `lodestar` binary beside the test bundle.
    static var executable: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            repositoryRoot.appendingPathComponent(".build/release"),
            repositoryRoot.appendingPathComponent(".build/debug"),
        ]
        for directory in candidates {
            let url = directory.appendingPathComponent("lodestar")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("lodestar")
    }

    struct Output {
        let status: Int32
        let stdout: Data
        let stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `lodestar` with `arguments`; `environment` entries are set (a `nil` value removes one).
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String?] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        process.currentDirectoryURL = repositoryRoot
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: stdoutData, stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func temporaryFile(_ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-cli-\(UUID().uuidString).txt")
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    struct Golden: Decodable { let text: String; let input_ids: [Int]; let embedding: [Float] }

    static func golden(_ count: Int) throws -> [Golden] {
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/minilm-golden.jsonl")
        let local = repositoryRoot.appendingPathComponent("Tests/EmbeddingsTests/Fixtures/minilm-golden.jsonl")
        let data = try Data(contentsOf: FileManager.default.fileExists(atPath: shared.path) ? shared : local)
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Golden.self, from: Data($0)) }
            .filter { !$0.text.contains("\n") && !$0.text.contains("\r") }
            .prefix(count).map { $0 }
    }

    @Test func tokenizePrintsReferenceIDs() throws {
        let cases = try Self.golden(40)
        let file = try Self.temporaryFile(cases.map(\.text).joined(separator: "\n") + "\n")
        let result = try Self.run(["tokenize", "--input", file])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.text.split(separator: "\n")
        #expect(lines.count == cases.count)
        for (line, item) in zip(lines, cases) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [Int]]
            #expect(object?["input_ids"] == item.input_ids)
        }
    }

    @Test func embedJSONLMatchesTheFixtureInInputOrder() throws {
        let cases = try Self.golden(24)
        let file = try Self.temporaryFile(cases.map(\.text).joined(separator: "\n") + "\n")
        let result = try Self.run(["embed", "--input", file, "--batch-size", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.text.split(separator: "\n")
        #expect(lines.count == cases.count)
        for (line, item) in zip(lines, cases) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [Double]]
            let vector = try #require(object?["embedding"])
            #expect(vector.count == 384)
            let worst = zip(vector, item.embedding).map { abs($0 - Double($1)) }.max() ?? 1
            #expect(worst <= 1e-5)
        }
    }

    @Test func embedBinaryFormats() throws {
        let file = try Self.temporaryFile("first text\nsecond text\nthird\n")
        let fvecs = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).fvecs")
        let result = try Self.run(["embed", "--input", file, "--format", "fvecs", "--output", fvecs.path])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try Data(contentsOf: fvecs)
        #expect(bytes.count == 3 * (4 + 384 * 4))
        #expect(bytes.prefix(4) == Data([0x80, 0x01, 0, 0]))  // int32 384, little-endian
        #expect(bytes[1540..<1544] == Data([0x80, 0x01, 0, 0]))

        let npy = try Self.run(["embed", "--input", file, "--format", "npy"])
        #expect(npy.status == 0)
        #expect(npy.stdout.prefix(6) == Data([0x93]) + Data("NUMPY".utf8))
        let headerLength = Int(npy.stdout[8]) | Int(npy.stdout[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: npy.stdout[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains("'shape': (3, 384)") && header.contains("'<f4'"))
        #expect(npy.stdout.count == 10 + headerLength + 3 * 384 * 4)
    }

    @Test func linesAndTrailingNewline() throws {
        for (input, expected) in [("a\nb\n", 2), ("a\nb", 2), ("", 0), ("\n", 1), ("a\n\nb\n", 3),
                                  ("a\r\nb\r\n", 2), ("a\r\n\r\nb", 3)] {
            let result = try Self.run(["embed"], stdin: Data(input.utf8))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.text.split(separator: "\n").count == expected, "input \(input.debugDescription)")
        }
        // Windows line ends: the same texts as with "\n" (the "\r" is whitespace to the tokenizer).
        let crlf = try Self.run(["tokenize"], stdin: Data("Hello, world!\r\n\r\nsecond line\r\n".utf8))
        let lf = try Self.run(["tokenize"], stdin: Data("Hello, world!\n\nsecond line\n".utf8))
        #expect(crlf.status == 0 && crlf.text.split(separator: "\n").count == 3)
        #expect(crlf.text == lf.text)
        // An empty input file holds no texts.
        let empty = try Self.temporaryFile("")
        let none = try Self.run(["embed", "--input", empty])
        #expect(none.status == 0 && none.stdout.isEmpty, "\(none.stderr)")
        // An input that is a pipe, not a regular file.
        let piped = try Self.run(["tokenize", "--input", "/dev/stdin"], stdin: Data("Hello, world!\n\nsecond line\n".utf8))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.text == lf.text)
    }

    /// OpenBLAS 0.3.21 (Debian 12) does not know recent CPU models (Emerald Rapids Xeons) and falls
    /// back to SSE3 "Prescott" kernels, ~5x slower than the AVX-512 ones; Lodestar replaces that
    /// fallback by the core the CPU's vector extensions call for, and keeps a core the user chose.
    @Test func embedRunsVectorKernelsAndKeepsTheUsersChoice() throws {
        #if arch(x86_64)
        let file = try Self.temporaryFile("a first sentence\nand a second one\n")
        func kernels(_ coreType: String?) throws -> String {
            let result = try Self.run(["embed", "--input", file, "--stats", "--format", "fvecs", "--output", "/dev/null"],
                                      environment: ["OPENBLAS_CORETYPE": coreType])
            #expect(result.status == 0, "\(result.stderr)")
            let field = result.stderr.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("blas_kernels=") }
            return field.map { String($0.dropFirst("blas_kernels=".count)) } ?? ""
        }
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? []
        let chosen = try kernels(nil)
        #expect(!chosen.isEmpty)
        if flags.contains("avx") {
            #expect(chosen.lowercased() != "prescott", "SSE3 kernels on a CPU with AVX")
        }
        if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") && chosen.lowercased() == "haswell" {
            Issue.record("AVX2 kernels on a CPU with AVX-512")
        }
        #expect(try kernels("Nehalem") == "Nehalem")
        #endif
    }

    /// The packed GEMM's vector kernels (AVX-512 where the CPU has it, else AVX2; narrowed with
    /// LODESTAR_KERNELS) sum every element in the same order: a text embedded alone (all its
    /// products on the packed kernel) gives the same bits whichever kernel ran. (With the portable
    /// kernel the engine uses `cblas_sgemm` throughout, whose order differs.)
    @Test func packedKernelsAgreeBitForBit() throws {
        let cases = try Self.golden(12)
        let file = try Self.temporaryFile(cases.map(\.text).joined(separator: "\n") + "\n")
        func embed(_ kernel: String?) throws -> Data {
            let result = try Self.run(["embed", "--input", file, "--batch-size", "1", "--threads", "1", "--format", "fvecs"],
                                      environment: ["LODESTAR_KERNELS": kernel])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        let widest = try embed(nil)
        #expect(widest.count == cases.count * (4 + 384 * 4))
        #expect(try embed("avx2") == widest)
    }

    @Test func badInputGivesAMessageAndNonZeroExit() throws {
        let missing = try Self.run(["embed", "--input", "/nonexistent/input.txt"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("input file not found"))
        let batch = try Self.run(["embed", "--batch-size", "0"], stdin: Data("x\n".utf8))
        #expect(batch.status != 0)
        #expect(batch.stderr.contains("--batch-size"))
        let format = try Self.run(["embed", "--format", "xml"], stdin: Data("x\n".utf8))
        #expect(format.status != 0)
        let model = try Self.run(["embed", "--model", "/nonexistent/model"], stdin: Data("x\n".utf8))
        #expect(model.status != 0)
        #expect(model.stderr.contains("models/fetch.sh"))
        let binary = try Self.run(["tokenize"], stdin: Data([0xFF, 0xFE, 0x00]))
        #expect(binary.status != 0)
        #expect(binary.stderr.contains("UTF-8"))
    }
}
