import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lodestar serve` and `lodestar token` as real processes: restart and kill -9 recovery.
@Suite(.serialized) struct ServeCLITests {
    static let secret = "cli-test-secret-0123456789-abcdef-0123"

    /// A running `lodestar serve` on a free port.
    final class Server: @unchecked Sendable {
        let process = Process()
        let port: Int
        private let output = Pipe()

        init(dataDirectory: String, indexSaveInterval: String = "3600", demo: Bool = false) throws {
            process.executableURL = CLITests.executable
            process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory, "--jwt-secret", ServeCLITests.secret,
                                 "--index-save-interval", indexSaveInterval] + (demo ? [] : ["--no-demo"])
            process.currentDirectoryURL = CLITests.repositoryRoot
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The service prints one line when it listens.
            var buffer = Data()
            let deadline = Date().addingTimeInterval(120)
            var found: Int?
            while found == nil && Date() < deadline && process.isRunning {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                let text = String(decoding: buffer, as: UTF8.self)
                if let range = text.range(of: "lodestar serving on http://127.0.0.1:") {
                    let digits = text[range.upperBound...].prefix { $0.isNumber }
                    found = Int(digits)
                }
            }
            guard let found else {
                process.terminate()
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(String(decoding: buffer, as: UTF8.self))"])
            }
            port = found
        }

        func stop(signal: Int32 = SIGTERM) -> Int32 {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    static func token() throws -> String {
        let output = try CLITests.run(["token", "--role", "admin", "--jwt-secret", secret, "--ttl", "1h"])
        return output.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func request(_ port: Int, _ method: String, _ path: String, _ body: String? = nil, token: String) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 120
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    static func sentences(_ range: Range<Int>) -> [String] {
        let subjects = ["fractions", "ratios", "cells", "forces", "equations", "energy", "maps", "poems"]
        let verbs = ["explains", "compares", "introduces", "reviews", "practises"]
        return range.map { i in "Lesson \(i) \(verbs[i % 5]) \(subjects[i % 8]) and \(subjects[(i / 8) % 8]) with example \(i * 7 % 13)." }
    }

    static func addBody(_ range: Range<Int>) -> String {
        let ids = range.map { "\"doc-\($0)\"" }.joined(separator: ",")
        let documents = sentences(range).map { "\"\($0)\"" }.joined(separator: ",")
        let metadatas = range.map { #"{"n":\#($0),"even":\#($0 % 2 == 0)}"# }.joined(separator: ",")
        return #"{"ids":[\#(ids)],"documents":[\#(documents)],"metadatas":[\#(metadatas)]}"#
    }

    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "lodestar-serve-\(UUID().uuidString)"
    }

    /// `lodestar serve` on an empty data directory loads the demo curriculum and class_001; a demo
    /// teacher token sees the roster and a path.
    @Test func firstStartLoadsTheDemo() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try Server(dataDirectory: directory, demo: true)
        defer { _ = server.stop() }
        let teacher = try CLITests.run(["token", "--role", "teacher", "--class", "class_001", "--jwt-secret", Self.secret])
            .text.trimmingCharacters(in: .whitespacesAndNewlines)
        let (status, body) = try await Self.request(server.port, "GET", "/api/v1/classes/class_001/students", token: teacher)
        #expect(status == 200)
        let roster = try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
        let students = roster["students"] as? [[String: Any]] ?? []
        #expect(students.count == 30)
        #expect(students.allSatisfy { ($0["submissions"] as? Int ?? 0) > 0 })
        #expect((roster["concepts"] as? [Any])?.count ?? 0 >= 20)
        let (pathStatus, pathBody) = try await Self.request(server.port, "POST", "/api/v1/adaptive/students/student_001/path", "{}", token: teacher)
        #expect(pathStatus == 200)
        let path = try JSONSerialization.jsonObject(with: pathBody) as? [String: Any] ?? [:]
        #expect((path["recommendations"] as? [Any])?.count == 5)
        let admin = try Self.token()
        let (_, count) = try await Self.request(server.port, "GET", "/api/v1/collections/learning_content/count", token: admin)
        #expect(Int(String(decoding: count, as: UTF8.self)) ?? 0 >= 200)
    }

    /// `lodestar token revoke` (by token, by id, or all) takes effect in a running server within
    /// about a second, and survives its restart.
    @Test func revokedTokensAreRefusedByARunningServer() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try Server(dataDirectory: directory)
        defer { _ = server.stop() }
        func issue() throws -> String {
            try CLITests.run(["token", "--role", "admin", "--jwt-secret", Self.secret]).text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func status(_ token: String) async throws -> Int {
            try await Self.request(server.port, "GET", "/api/v1/collections", token: token).0
        }
        func eventually(_ token: String, _ expected: Int) async throws -> Bool {
            for _ in 0..<30 {
                if try await status(token) == expected { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        let (first, second, third) = (try issue(), try issue(), try issue())
        #expect(try await status(first) == 200)
        #expect(try await status(second) == 200)
        let revoke = try CLITests.run(["token", "revoke", "--token", first, "--data-dir", directory, "--jwt-secret", Self.secret])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(try await eventually(first, 401))
        #expect(try await status(second) == 200)
        let bad = try CLITests.run(["token", "revoke", "--data-dir", directory])
        #expect(bad.status != 0 && bad.stderr.contains("--all"))
        let forged = try CLITests.run(["token", "revoke", "--token", "x.y.z", "--data-dir", directory, "--jwt-secret", Self.secret])
        #expect(forged.status != 0)
        #expect(try CLITests.run(["token", "revoke", "--all", "--data-dir", directory]).status == 0)
        #expect(try await eventually(second, 401))
        #expect(try await status(third) == 401)
        let fresh = try issue()
        #expect(try await status(fresh) == 200)
    }

    @Test func tokenCommandValidatesItsArguments() throws {
        let teacher = try CLITests.run(["token", "--role", "teacher", "--jwt-secret", Self.secret])
        #expect(teacher.status != 0 && teacher.stderr.contains("--class"))
        let bad = try CLITests.run(["token", "--role", "king", "--jwt-secret", Self.secret])
        #expect(bad.status != 0 && bad.stderr.contains("--role"))
        let ttl = try CLITests.run(["token", "--role", "admin", "--ttl", "soon", "--jwt-secret", Self.secret])
        #expect(ttl.status != 0 && ttl.stderr.contains("--ttl"))
        let good = try CLITests.run(["token", "--role", "student", "--student", "s1", "--jwt-secret", Self.secret])
        #expect(good.status == 0 && good.text.split(separator: ".").count == 3)
    }

    /// Many concurrent requests that read the learning tables (rosters, profiles, knowledge states)
    /// beside the vector store's synchronous reads. GRDB's `async` read kept its connection while
    /// its task waited for a cooperative thread, and the store's reads blocked those threads
    /// waiting for a connection: the service stopped answering anything (even /healthz) within a
    /// few thousand such requests at 48 at a time (usually within the first thousand).
    @Test func concurrentReadsNeverStallTheService() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try Server(dataDirectory: directory, demo: true)
        defer { _ = server.stop() }
        let token = try Self.token()
        let paths = ["/api/v1/students/student_001", "/api/v1/classes/class_001/students", "/api/v1/students/student_002",
                     "/api/v1/collections/learning_content/count", "/api/v1/students/student_003", "/api/v1/students/student_004/knowledge-state"]
        let total = 4_000
        let statuses = LockedCounts()
        // 48 client threads (not a dispatch pool, which would run only as many as there are cores).
        let finished = DispatchGroup()
        let port = server.port
        for worker in 0..<48 {
            finished.enter()
            Thread {
                // A stalled service fails every worker's next request: stop at the first one.
                for i in stride(from: worker, to: total, by: 48) where statuses.values[0] == nil {
                    statuses.add(PlainHTTP.get(port: port, path: paths[i % paths.count], token: token, timeout: 20))
                }
                finished.leave()
            }.start()
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                finished.wait()
                continuation.resume()
            }
        }
        let counts = statuses.values
        #expect(counts[200] == total, "statuses: \(counts) (0: no answer within 20 s)")
        // Still answering afterwards.
        #expect(PlainHTTP.get(port: server.port, path: "/healthz", token: token, timeout: 5) == 200)
    }

    @Test func serveRejectsDurationsItCannotUse() throws {
        // Each is refused by validation before anything starts (an infinite or year-long duration
        // used to reach an integer conversion that traps).
        for (option, value) in [("--http-idle-timeout", "-1"), ("--http-idle-timeout", "inf"), ("--ws-idle-timeout", "inf"),
                                ("--ws-idle-timeout", "1e300"), ("--ws-ping-interval", "nan"), ("--index-save-interval", "1e12")] {
            let result = try CLITests.run(["serve", "--port", "0", "--no-demo", "--data-dir", NSTemporaryDirectory() + "never-created",
                                           "--jwt-secret", Self.secret, option, value])
            #expect(result.status != 0 && result.stderr.contains(option), "\(option) \(value): \(result.status) \(result.stderr)")
        }
    }

    @Test func restartKeepsDataAndQueryResults() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = try Self.token()
        let queries = #"{"query_texts":["forces and energy","ratios of cells"],"n_results":5,"where":{"even":true}}"#
        let getAll = #"{"include":["documents","metadatas","embeddings"]}"#
        var before: (Data, Data)
        do {
            let server = try Server(dataDirectory: directory)
            #expect(try await Self.request(server.port, "POST", "/api/v1/collections", #"{"name":"lessons"}"#, token: token).0 == 201)
            for start in stride(from: 0, to: 300, by: 100) {
                #expect(try await Self.request(server.port, "POST", "/api/v1/collections/lessons/add", Self.addBody(start..<start + 100), token: token).0 == 201)
            }
            #expect(try await Self.request(server.port, "POST", "/api/v1/collections/lessons/delete", #"{"ids":["doc-5"]}"#, token: token).0 == 200)
            before = (try await Self.request(server.port, "POST", "/api/v1/collections/lessons/get", getAll, token: token).1,
                      try await Self.request(server.port, "POST", "/api/v1/collections/lessons/query", queries, token: token).1)
            #expect(server.stop(signal: SIGTERM) == 0)
        }
        // A graceful stop saved the index: the restart loads it rather than rebuilding.
        let collections = try FileManager.default.contentsOfDirectory(atPath: directory + "/collections")
        #expect(try collections.flatMap { try FileManager.default.contentsOfDirectory(atPath: directory + "/collections/" + $0) }.count == 1)
        let server = try Server(dataDirectory: directory)
        defer { _ = server.stop() }
        let after = (try await Self.request(server.port, "POST", "/api/v1/collections/lessons/get", getAll, token: token).1,
                     try await Self.request(server.port, "POST", "/api/v1/collections/lessons/query", queries, token: token).1)
        #expect(after.0 == before.0)
        #expect(after.1 == before.1)
        #expect(String(decoding: try await Self.request(server.port, "GET", "/api/v1/collections/lessons/count", token: token).1, as: UTF8.self) == "299")
    }

    /// SIGTERM while a long request runs: the request still completes (201), the process exits 0,
    /// and everything it stored is there after a restart.
    @Test func gracefulShutdownFinishesInFlightRequests() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = try Self.token()
        let server = try Server(dataDirectory: directory)
        #expect(try await Self.request(server.port, "POST", "/api/v1/collections", #"{"name":"big"}"#, token: token).0 == 201)
        let port = server.port
        let slow = Task { try await Self.request(port, "POST", "/api/v1/collections/big/add", Self.addBody(0..<1500), token: token).0 }
        try await Task.sleep(for: .milliseconds(700))
        kill(server.process.processIdentifier, SIGTERM)
        #expect(try await slow.value == 201)
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        let restarted = try Server(dataDirectory: directory)
        defer { _ = restarted.stop() }
        let (_, count) = try await Self.request(restarted.port, "GET", "/api/v1/collections/big/count", token: token)
        #expect(String(decoding: count, as: UTF8.self) == "1500")
    }

    /// kill -9 during a long ingest: every acknowledged record is there after the restart, and
    /// queries work.
    @Test func killDuringIngestLosesNoAcknowledgedRecord() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = try Self.token()
        // Indexes saved every second: the kill lands between saves, so the restart loads a saved
        // index and catches it up from SQLite.
        let server = try Server(dataDirectory: directory, indexSaveInterval: "1")
        #expect(try await Self.request(server.port, "POST", "/api/v1/collections", #"{"name":"ingest"}"#, token: token).0 == 201)
        let port = server.port
        let ingest = Task { () -> Int in
            var acknowledged = 0
            while true {
                let range = acknowledged..<acknowledged + 40
                guard let (status, _) = try? await Self.request(port, "POST", "/api/v1/collections/ingest/add", Self.addBody(range), token: token),
                      status == 201 else { return acknowledged }
                acknowledged = range.upperBound
            }
        }
        // Queries are answered while the ingest runs.
        // (The loop ends when the killed server stops answering: URLSession tasks are not
        // cancelled, which swift-corelibs-foundation does not handle well.)
        let queries = Task { () -> Int in
            var answered = 0
            let body = #"{"query_texts":["fractions and ratios"],"n_results":5}"#
            while true {
                guard let (status, _) = try? await Self.request(port, "POST", "/api/v1/collections/ingest/query", body, token: token) else { break }
                if status == 200 { answered += 1 }
            }
            return answered
        }
        try await Task.sleep(for: .seconds(4))
        _ = server.stop(signal: SIGKILL)
        let answered = await queries.value
        #expect(answered >= 3, "queries answered during the ingest: \(answered)")
        let acknowledged = await ingest.value
        #expect(acknowledged >= 200, "acknowledged \(acknowledged) records before the kill")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/collections").flatMap {
            try FileManager.default.contentsOfDirectory(atPath: directory + "/collections/" + $0)
        }
        #expect(files.contains { $0.hasPrefix("index-") }, "an index was saved before the kill: \(files)")

        let restarted = try Server(dataDirectory: directory)
        defer { _ = restarted.stop() }
        let (_, data) = try await Self.request(restarted.port, "POST", "/api/v1/collections/ingest/get", #"{"include":[]}"#, token: token)
        let ids = Set(((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["ids"] as? [String]) ?? [])
        let missing = (0..<acknowledged).filter { !ids.contains("doc-\($0)") }
        #expect(missing.isEmpty, "acknowledged but missing: \(missing.prefix(10))")
        let (status, result) = try await Self.request(restarted.port, "POST", "/api/v1/collections/ingest/query",
                                                      #"{"query_texts":["\#(Self.sentences(7..<8)[0])"],"n_results":3}"#, token: token)
        #expect(status == 200)
        let found = ((try JSONSerialization.jsonObject(with: result) as? [String: Any])?["ids"] as? [[String]]) ?? []
        #expect(found.first?.count == 3)
        #expect(found.first?.first == "doc-7")
        // every stored record is reachable by its own embedding
        let sample = (0..<acknowledged).filter { $0 % 37 == 0 }
        for n in sample {
            let (_, body) = try await Self.request(restarted.port, "POST", "/api/v1/collections/ingest/get",
                                                   #"{"ids":["doc-\#(n)"],"include":["embeddings"]}"#, token: token)
            let vector = (((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["embeddings"] as? [[Double]]) ?? []).first ?? []
            let query = #"{"query_embeddings":[[\#(vector.map { "\($0)" }.joined(separator: ","))]],"n_results":1,"include":[]}"#
            let (_, hit) = try await Self.request(restarted.port, "POST", "/api/v1/collections/ingest/query", query, token: token)
            #expect(((try JSONSerialization.jsonObject(with: hit) as? [String: Any])?["ids"] as? [[String]]) == [["doc-\(n)"]])
        }
    }
}

/// Counts of HTTP statuses, from many threads. Guarded by a lock.
final class LockedCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int: Int] = [:]
    func add(_ status: Int) { lock.withLock { counts[status, default: 0] += 1 } }
    var values: [Int: Int] { lock.withLock { counts } }
}

/// A blocking HTTP/1.1 GET over a plain socket with a deadline (URLSession cannot be cancelled
/// reliably on Linux). Returns the status, or 0 when no complete answer came in time.
enum PlainHTTP {
    static func get(port: Int, path: String, token: String, timeout: Double) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return 0 }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return 0 }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return 0 }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(max(1, left * 1000))) > 0 else { return 0 }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += chunk[..<count]
        }
        let statusLine = String(decoding: response.prefix(32), as: UTF8.self).split(separator: " ")
        return statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
    }
}
