import Foundation
import Hummingbird
import Realtime
import Testing
import VectorStore
@testable import LodestarServer

/// The WebSocket channels over a real port: auth at the upgrade, messages, replay, limits,
/// slow consumers and shutdown.
@Suite struct SocketTests {
    static func event(_ classID: String, student: String? = nil, n: Int, padding: Int = 0) -> RealtimeEvent {
        let pad = String(repeating: "x", count: padding)
        return RealtimeEvent(type: "assessment_graded", classID: classID, studentID: student,
                             body: Array(#"{"type":"assessment_graded","class_id":"\#(classID)","data":{"n":\#(n),"pad":"\#(pad)"}}"#.utf8))
    }

    /// `/ws/status` once it reports `total` connections, or after two seconds of asking.
    static func socketStatus(_ client: Client, untilTotal total: Int) async throws -> [String: Any] {
        var status: [String: Any] = [:]
        for _ in 0..<40 {
            status = try await client.get("/ws/status").object
            if (status["connections"] as? [String: Any])?["total"] as? Int == total { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return status
    }

    static func seqAndN(_ message: [String: Any]?) -> (Int, Int)? {
        guard let message, let seq = message["seq"] as? Int, let n = (message["data"] as? [String: Any])?["n"] as? Int else { return nil }
        return (seq, n)
    }

    @Test func refusedUpgradesGetTheirStatusAndNoSocket() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let teacher = try await harness.token(.teacher, classes: ["class_001"])
        let student = try await harness.token(.student, student: "s1")
        let expired = try await harness.token(.admin, expiresIn: -120)
        try await harness.runLive { client, port in
            func open(_ path: String, _ headers: [String: String] = [:]) async throws -> RawWebSocket {
                try await RawWebSocket.open(port: port, path: path, headers: headers)
            }
            let missing = try await open("/ws/dashboard/class_001")
            #expect(missing.status == 401 && missing.refusalBody.contains(#""code":"unauthorized""#), "\(missing.refusalBody)")
            #expect(try await open("/ws/dashboard/class_001?token=not-a-jwt").status == 401)
            #expect(try await open("/ws/dashboard/class_001?token=\(expired)").status == 401)
            #expect(try await open("/ws/dashboard/class_001", ["Authorization": "Basic abc"]).status == 401)
            let otherClass = try await open("/ws/dashboard/class_002?token=\(teacher)")
            #expect(otherClass.status == 403 && otherClass.refusalBody.contains(#""code":"forbidden""#))
            #expect(try await open("/ws/student/s2?token=\(student)").status == 403)
            #expect(try await open("/ws/pipeline?token=\(teacher)").status == 403)
            #expect(try await open("/ws/dashboard/class_001?token=\(student)").status == 403)
            #expect(try await open("/ws/nowhere?token=\(teacher)").status == 404)
            #expect(try await open("/ws/dashboard/class_001?token=\(teacher)&since=-1").status == 400)
            // Allowed: header or query token.
            #expect(try await open("/ws/dashboard/class_001", ["Authorization": "Bearer \(teacher)"]).status == 101)
            #expect(try await open("/ws/student/s1?token=\(student)").status == 101)
            #expect(try await open("/ws/pipeline?token=\(try await harness.token(.admin))").status == 101)
            // Plain HTTP on a channel path: the same decision, or 426 when allowed.
            #expect(try await client.with(token: teacher).get("/ws/dashboard/class_001").status == .upgradeRequired)
            #expect(try await client.with(token: nil).get("/ws/dashboard/class_001").status == .unauthorized)
            #expect(try await client.with(token: teacher).get("/ws/status").status == .forbidden)
            #expect(try await client.get("/ws/status").status == .ok)
        }
    }

    @Test func confirmationPingAndEventsInSequence() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let teacher = try await harness.token(.teacher, classes: ["class_001"])
        let student = try await harness.token(.student, student: "s1")
        try await harness.runLive { client, port in
            let dashboard = try await RawWebSocket.open(port: port, path: "/ws/dashboard/class_001?token=\(teacher)")
            let own = try await RawWebSocket.open(port: port, path: "/ws/student/s1?token=\(student)")
            let confirmed = try #require(await dashboard.nextJSON())
            #expect(confirmed["type"] as? String == "connection_confirmed")
            #expect(confirmed["channel"] as? String == "dashboard:class_001")
            #expect(confirmed["seq"] as? Int == 0)
            #expect((confirmed["connection_id"] as? String)?.isEmpty == false)
            #expect((confirmed["server_time"] as? String)?.hasPrefix("20") == true)
            #expect(await own.nextJSON()?["channel"] as? String == "student:s1")

            try dashboard.send(text: #"{"type":"ping"}"#)
            let pong = try #require(await dashboard.nextJSON())
            #expect(pong["type"] as? String == "pong" && pong["server_time"] is String)
            try dashboard.send(text: #"{"type":"subscribe"}"#)
            #expect(await dashboard.nextJSON()?["type"] as? String == "error")
            try dashboard.send(text: "not json")
            #expect(await dashboard.nextJSON()?["type"] as? String == "error")

            for n in 1...5 {
                await harness.hub.publish(Self.event("class_001", student: n % 2 == 0 ? "s1" : "s9", n: n))
                await harness.hub.publish(Self.event("class_002", n: 100 + n))
            }
            var seen: [(Int, Int)] = []
            for _ in 1...5 { if let pair = Self.seqAndN(await dashboard.nextJSON()) { seen.append(pair) } }
            #expect(seen.map(\.0) == [1, 2, 3, 4, 5] && seen.map(\.1) == [1, 2, 3, 4, 5])
            let first = try #require(await own.nextJSON())
            #expect(first["channel"] as? String == "student:s1" && Self.seqAndN(first)! == (1, 2))
            #expect(Self.seqAndN(await own.nextJSON())! == (2, 4))
            // Nothing from the other class arrives.
            #expect(await dashboard.nextText(timeout: 0.3) == nil)
            let status = try await client.get("/ws/status")
            let connections = status.object["connections"] as? [String: Any] ?? [:]
            #expect(connections["total"] as? Int == 2)
            #expect((connections["by_channel"] as? [String: Any])?["dashboard:class_001"] as? Int == 1)
            #expect((status.object["events"] as? [String: Any])?["published"] as? Int == 10)
        }
    }

    @Test func replayAfterReconnectAndResyncBeyondRetention() async throws {
        let harness = try await Harness(retention: 10)
        defer { harness.cleanup() }
        let teacher = try await harness.token(.teacher, classes: ["class_001"])
        try await harness.runLive { _, port in
            for n in 1...8 { await harness.hub.publish(Self.event("class_001", n: n)) }
            let resumed = try await RawWebSocket.open(port: port, path: "/ws/dashboard/class_001?token=\(teacher)&since=5")
            let confirmed = try #require(await resumed.nextJSON())
            #expect(confirmed["type"] as? String == "connection_confirmed" && confirmed["seq"] as? Int == 8 && confirmed["replayed"] as? Int == 3)
            for expected in 6...8 { #expect(Self.seqAndN(await resumed.nextJSON())?.0 == expected) }
            await harness.hub.publish(Self.event("class_001", n: 9))
            #expect(Self.seqAndN(await resumed.nextJSON())! == (9, 9))
            // Up to date: nothing replayed, live events follow.
            let current = try await RawWebSocket.open(port: port, path: "/ws/dashboard/class_001?token=\(teacher)&since=9")
            #expect(await current.nextJSON()?["replayed"] as? Int == 0)
            // Beyond what is kept (events 1...3 are gone with 13 published and 10 kept).
            for n in 10...13 { await harness.hub.publish(Self.event("class_001", n: n)) }
            let stale = try await RawWebSocket.open(port: port, path: "/ws/dashboard/class_001?token=\(teacher)&since=2")
            #expect(await stale.nextJSON()?["type"] as? String == "connection_confirmed")
            let resync = try #require(await stale.nextJSON())
            #expect(resync["type"] as? String == "resync_required" && resync["seq"] as? Int == 13)
            await harness.hub.publish(Self.event("class_001", n: 14))
            #expect(Self.seqAndN(await stale.nextJSON())! == (14, 14))
            // The oldest kept event's predecessor is still a valid resume point.
            let edge = try await RawWebSocket.open(port: port, path: "/ws/dashboard/class_001?token=\(teacher)&since=4")
            #expect(await edge.nextJSON()?["replayed"] as? Int == 10)
            // A sequence number the channel never reached (a restarted server): resync.
            let ahead = try await RawWebSocket.open(port: port, path: "/ws/dashboard/class_001?token=\(teacher)&since=99")
            _ = await ahead.nextJSON()
            #expect(await ahead.nextJSON()?["type"] as? String == "resync_required")
        }
    }

    /// Frames a conforming client never sends close the connection with the RFC's codes: unmasked
    /// or with reserved bits (1002), text that is not UTF-8 (1007); the other sockets stay.
    @Test func malformedFramesCloseWithTheirCodes() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let path = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"]))"
        try await harness.runLive { _, port in
            let cases: [(String, (RawWebSocket) throws -> Void, UInt16)] = [
                ("unmasked", { try $0.send(opcode: 1, payload: Array(#"{"type":"ping"}"#.utf8), masked: false) }, 1002),
                ("RSV1", { try $0.send(opcode: 1, payload: Array(#"{"type":"ping"}"#.utf8), rsv: 0x40) }, 1002),
                ("RSV3", { try $0.send(opcode: 1, payload: Array(#"{"type":"ping"}"#.utf8), rsv: 0x10) }, 1002),
                ("invalid UTF-8", { try $0.send(opcode: 1, payload: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]) }, 1007),
                ("overlong UTF-8", { try $0.send(opcode: 1, payload: [0xC0, 0xAF]) }, 1007),
            ]
            let bystander = try await RawWebSocket.open(port: port, path: path)
            #expect(await bystander.nextJSON()?["type"] as? String == "connection_confirmed")
            for (name, send, code) in cases {
                let socket = try await RawWebSocket.open(port: port, path: path)
                _ = await socket.nextJSON()
                try send(socket)
                #expect(await socket.closeCode() == code, "\(name)")
            }
            try bystander.send(text: #"{"type":"ping"}"#)
            #expect(await bystander.nextJSON()?["type"] as? String == "pong")
        }
    }

    /// A bad handshake is answered with a status, never a half-open socket.
    @Test func badHandshakesAreRefused() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let token = try await harness.token(.teacher, classes: ["class_001"])
        try await harness.runLive { _, port in
            let heads = [
                ("no key", "GET /ws/dashboard/class_001?token=\(token) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"),
                ("version 8", "GET /ws/dashboard/class_001?token=\(token) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"),
                ("plain GET", "GET /ws/dashboard/class_001?token=\(token) HTTP/1.1\r\nHost: x\r\n\r\n"),
            ]
            for (name, head) in heads {
                let socket = try PlainSocket(port: port)
                try socket.send(head)
                let answer = await socket.answer(timeout: 10) ?? ""
                let status = Int(answer.dropFirst(9).prefix(3)) ?? 0
                #expect((400..<500).contains(status), "\(name): \(answer.prefix(60))")
            }
        }
    }

    @Test func limitsCloseWithTheirCodes() async throws {
        var settings = SocketSettings()
        settings.maxMessageBytes = 1_024
        settings.rateBurst = 5
        settings.ratePerSecond = 1
        settings.maxConnectionsPerUser = 2
        let harness = try await Harness(sockets: settings)
        defer { harness.cleanup() }
        let path = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"], subject: "teacher-a"))"
        let other = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"], subject: "teacher-b"))"
        // A user of its own for the connection limit (the sockets above are released only once closed).
        let limited = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"], subject: "teacher-c"))"
        try await harness.runLive { client, port in
            let big = try await RawWebSocket.open(port: port, path: path)
            _ = await big.nextJSON()
            try big.send(text: String(repeating: "a", count: 2_000))
            #expect(await big.closeCode() == 1009)

            let fragmented = try await RawWebSocket.open(port: port, path: path)
            _ = await fragmented.nextJSON()
            try fragmented.send(opcode: 1, payload: Array(repeating: 0x61, count: 700), fin: false)
            try fragmented.send(opcode: 0, payload: Array(repeating: 0x61, count: 700), fin: true)
            #expect(await fragmented.closeCode() == 1009)

            let chatty = try await RawWebSocket.open(port: port, path: path)
            _ = await chatty.nextJSON()
            for _ in 0..<12 { try? chatty.send(text: #"{"type":"ping"}"#) }
            #expect(await chatty.closeCode() == 1008)

            let binary = try await RawWebSocket.open(port: port, path: other)
            _ = await binary.nextJSON()
            try binary.send(opcode: 2, payload: [1, 2, 3])
            #expect(await binary.closeCode() == 1003)

            // At most two connections per user: the third is closed with 1008, others unaffected.
            let first = try await RawWebSocket.open(port: port, path: limited)
            let second = try await RawWebSocket.open(port: port, path: limited)
            #expect(await first.nextJSON()?["type"] as? String == "connection_confirmed")
            #expect(await second.nextJSON()?["type"] as? String == "connection_confirmed")
            let third = try await RawWebSocket.open(port: port, path: limited)
            #expect(await third.closeCode() == 1008)
            #expect(try await RawWebSocket.open(port: port, path: other).status == 101)
            let status = try await client.get("/ws/status")
            let disconnects = status.object["disconnects"] as? [String: Any] ?? [:]
            #expect(disconnects["message_too_big"] as? Int == 2 && disconnects["rate_limited"] as? Int == 1
                    && disconnects["per_user_limit"] as? Int == 1)
        }
    }

    @Test func silentConnectionsAreClosedAndLiveOnesKept() async throws {
        var settings = SocketSettings()
        settings.idleTimeout = .milliseconds(1_000)
        settings.pingInterval = .milliseconds(250)
        let harness = try await Harness(sockets: settings)
        defer { harness.cleanup() }
        let path = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"]))"
        try await harness.runLive { _, port in
            let started = Date()
            let silent = try await RawWebSocket.open(port: port, path: path)
            silent.answerPings = false
            let alive = try await RawWebSocket.open(port: port, path: path)
            _ = await silent.nextJSON()
            _ = await alive.nextJSON()
            let confirmed = Date()
            // The live client reads (answering the server's pings) until told to stop.
            let stop = Locked(false)
            let watchAlive = Task { () -> (closed: Bool, pongs: Int) in
                var pongs = 0
                while !stop.withLock({ $0 }) {
                    switch await alive.next(timeout: 0.1) {
                    case .close?: return (true, pongs)
                    case .text(let text)? where text.contains(#""type":"pong""#): pongs += 1
                    default: break
                    }
                }
                return (false, pongs)
            }
            #expect(await silent.closeCode(timeout: 5) == 1000)
            // Not before the idle timeout from the connection's confirmation; soon after it (a ping
            // interval plus scheduling).
            let sinceStart = Date().timeIntervalSince(started)
            let sinceConfirmed = Date().timeIntervalSince(confirmed)
            #expect(sinceStart >= 1.0 && sinceConfirmed < 3.0, "closed \(sinceStart) s after opening, \(sinceConfirmed) s after confirmation")
            // The live one outlasts several idle timeouts and still answers.
            try await Task.sleep(for: .milliseconds(2_500))
            try alive.send(text: #"{"type":"ping"}"#)
            try await Task.sleep(for: .milliseconds(300))
            stop.withLock { $0 = true }
            let watched = await watchAlive.value
            #expect(!watched.closed && watched.pongs == 1, "\(watched)")
        }
    }

    @Test func aClientThatLeavesWithoutTheClosingHandshakeIsDroppedAtOnce() async throws {
        // Default settings: the server pings every 20 s and closes silent sockets after 60 s, so
        // only noticing the client's FIN can close the socket within the test.
        let harness = try await Harness(sockets: SocketSettings())
        defer { harness.cleanup() }
        let path = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"]))"
        try await harness.runLive { client, port in
            let leaving = try await RawWebSocket.open(port: port, path: path)
            let staying = try await RawWebSocket.open(port: port, path: path)
            #expect(await leaving.nextJSON()?["type"] as? String == "connection_confirmed")
            #expect(await staying.nextJSON()?["type"] as? String == "connection_confirmed")
            let left = Date()
            leaving.shutdownWrite()
            // The server ends its side too: the read ends (no close frame, no timeout).
            #expect(await leaving.next(timeout: 10) == nil)
            #expect(Date().timeIntervalSince(left) < 2, "closed \(Date().timeIntervalSince(left)) s after the client's FIN")
            let status = try await Self.socketStatus(client, untilTotal: 1)
            let connections = status["connections"] as? [String: Any] ?? [:]
            let disconnects = status["disconnects"] as? [String: Any] ?? [:]
            #expect(connections["total"] as? Int == 1 && disconnects["abnormal_closure"] as? Int == 1, "\(connections) \(disconnects)")
            try staying.send(text: #"{"type":"ping"}"#)
            #expect(await staying.nextJSON()?["type"] as? String == "pong")
        }
    }

    @Test func idleHTTPConnectionsAreClosedButNotUpgradedOnes() async throws {
        let harness = try await Harness(httpIdleTimeout: .milliseconds(2_000))
        defer { harness.cleanup() }
        let path = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"]))"
        try await harness.runLive { _, port in
            // (Under the test run's load the upgrade itself can take seconds: the head timeout ends
            // when the head is in, so that does not count.)
            let socket = try await RawWebSocket.open(port: port, path: path)
            #expect(await socket.nextJSON()?["type"] as? String == "connection_confirmed")
            let started = Date()
            let silent = try PlainSocket(port: port)
            let partial = try PlainSocket(port: port)
            try partial.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
            let keepAlive = try PlainSocket(port: port)
            // A keep-alive connection serves requests one after another, then times out when idle.
            for _ in 0..<2 {
                try keepAlive.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(keepAlive.read(timeout: 5)?.hasPrefix("HTTP/1.1 200") == true)
            }
            let served = Date()
            for (name, connection, from) in [("silent", silent, started), ("partial head", partial, started), ("keep-alive", keepAlive, served)] {
                #expect(connection.waitForEnd(timeout: 15), "\(name) connection still open")
                let after = Date().timeIntervalSince(from)
                #expect(after >= 1.9 && after < 10, "\(name) connection closed \(after) s after its last activity")
            }
            // The WebSocket, upgraded before them, outlived the HTTP timeout and still answers.
            #expect(Date().timeIntervalSince(started) > 2)
            try socket.send(text: #"{"type":"ping"}"#)
            #expect(await socket.nextJSON()?["type"] as? String == "pong")
        }
    }

    @Test func aSlowConsumerIsDroppedWithoutDelayingTheOthers() async throws {
        var settings = SocketSettings()
        settings.maxQueuedMessages = 64
        let harness = try await Harness(sockets: settings)
        defer { harness.cleanup() }
        let path = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"]))"
        let events = 2_000
        try await harness.runLive { client, port in
            let stalled = try await RawWebSocket.open(port: port, path: path, receiveBuffer: 4_096)
            var readers: [RawWebSocket] = []
            for _ in 0..<3 {
                let reader = try await RawWebSocket.open(port: port, path: path)
                _ = await reader.nextJSON()
                readers.append(reader)
            }
            let consumers = readers.map { reader in
                Task { () -> (seqs: [Int], finished: Date) in
                    var seqs: [Int] = []
                    while seqs.count < events, let message = await reader.nextJSON(timeout: 10) {
                        if let seq = message["seq"] as? Int { seqs.append(seq) }
                    }
                    return (seqs, Date())
                }
            }
            for n in 1...events {
                await harness.hub.publish(Self.event("class_001", n: n, padding: 4_000))
                if n % 20 == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            let published = Date()
            for consumer in consumers {
                let (seqs, finished) = await consumer.value
                #expect(seqs == Array(1...events))
                #expect(finished.timeIntervalSince(published) < 3, "last event \(finished.timeIntervalSince(published)) s after publishing")
            }
            // The stalled client is cut off: it reads 1013 if the close frame got out before the
            // server's close timeout, and the server ends the TCP connection either way.
            let code = await stalled.closeCode(timeout: 3)
            #expect(code == nil || code == 1013, "close code \(String(describing: code))")
            #expect(await stalled.ends(within: 3), "the slow consumer's connection is still open")
            // The gateway releases a connection after its channel closes, on its own task.
            let status = try await Self.socketStatus(client, untilTotal: 3)
            #expect((status["disconnects"] as? [String: Any])?["slow_consumer"] as? Int == 1)
            #expect(((status["close_codes"] as? [String: Any])?["1013"] as? Int) == 1)
            #expect((status["connections"] as? [String: Any])?["total"] as? Int == 3, "\(status)")
        }
    }

    @Test func gracefulShutdownClosesSocketsWith1001() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let path = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"]))"
        let sockets = Locked<[Task<UInt16?, Never>]>([])
        try await harness.runLive { _, port in
            for _ in 0..<3 {
                let socket = try await RawWebSocket.open(port: port, path: path)
                #expect(await socket.nextJSON()?["type"] as? String == "connection_confirmed")
                sockets.withLock { $0.append(Task { await socket.closeCode(timeout: 20) }) }
            }
        }
        for task in sockets.withLock({ $0 }) { #expect(await task.value == 1001) }
    }
}

/// A value behind a lock, for collecting results from tasks.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// Domain events reach the sockets: grading on the dashboard and the student's channel,
/// recommendations, and import progress on the pipeline channel.
@Suite struct SocketDomainEventTests {
    @Test func gradingRecommendationsAndImportProgressArrive() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let admin = try await harness.token(.admin)
        let teacher = try await harness.token(.teacher, classes: ["class_001"])
        try await harness.runLive { client, port in
            let pipeline = try await RawWebSocket.open(port: port, path: "/ws/pipeline?token=\(admin)")
            #expect(await pipeline.nextJSON()?["channel"] as? String == "pipeline")
            #expect(try await client.post("/api/v1/import", LearningRouteTests.curriculum).status == .ok)
            var stages: [String] = []
            while let message = await pipeline.nextJSON(timeout: 2), message["type"] as? String == "pipeline_progress" {
                if message["job"] as? String == "import", let stage = message["stage"] as? String { stages.append(stage) }
                if stages.last == "completed" { break }
            }
            #expect(stages.first == "started" && stages.last == "completed" && stages.contains("embedding") && stages.contains("indexing"),
                    "\(stages)")

            let dashboard = try await RawWebSocket.open(port: port, path: "/ws/dashboard/class_001?token=\(teacher)")
            #expect(await dashboard.nextJSON()?["type"] as? String == "connection_confirmed")
            let studentChannel = try await RawWebSocket.open(port: port, path: "/ws/student/s1?token=\(teacher)")
            #expect(studentChannel.status == 101)
            #expect(try await RawWebSocket.open(port: port, path: "/ws/student/s2?token=\(teacher)").status == 403)
            _ = await studentChannel.nextJSON()

            // The dashboard's reader waits in the socket before the grading, so it would wake at
            // the first event if the events came in separate writes.
            let readsBefore = dashboard.reads
            async let firstText = dashboard.nextText()
            try await Task.sleep(for: .milliseconds(100))
            let reply = try await client.with(token: teacher).post("/api/v1/assessments/submit", #"{"student_id":"s1","item_id":"q1","answer":"0.25"}"#)
            #expect(reply.status == .ok)
            let texts = [await firstText, await dashboard.nextText()]
            var types: [String] = []
            var seqs: [Int] = []
            for text in texts {
                let message = try #require((try? JSONSerialization.jsonObject(with: Data((text ?? "").utf8))) as? [String: Any])
                types.append(message["type"] as? String ?? "")
                seqs.append(message["seq"] as? Int ?? 0)
                if message["type"] as? String == "assessment_graded" {
                    let data = message["data"] as? [String: Any] ?? [:]
                    #expect(data["item_id"] as? String == "q1" && data["correct"] as? Bool == true)
                    #expect(message["student_id"] as? String == "s1" && message["class_id"] as? String == "class_001")
                }
                if message["type"] as? String == "mastery_updated" {
                    // the roster line's numbers come with it (no separate student_update on a dashboard)
                    let summary = message["summary"] as? [String: Any] ?? [:]
                    #expect(summary["submissions"] as? Int == 1 && summary["average_score"] as? Double == 1, "\(summary)")
                    #expect(summary["mastered_concepts"] is Int && summary["overall_mastery"] is Double)
                    #expect(Set(summary.keys) == ["submissions", "average_score", "overall_mastery", "mastered_concepts"])
                }
            }
            #expect(types == ["assessment_graded", "mastery_updated"] && seqs == [1, 2])
            // a grading's events are published together and reach a subscriber in one write
            #expect(dashboard.reads - readsBefore == 1)
            var own: [String] = []
            for _ in 0..<3 { own.append(await studentChannel.nextJSON()?["type"] as? String ?? "") }
            #expect(own == ["assessment_graded", "mastery_updated", "student_update"])

            #expect(try await client.with(token: teacher).post("/api/v1/adaptive/students/s1/path", #"{"max_items":2}"#).status == .ok)
            var recommendation: [String: Any]?
            while let message = await studentChannel.nextJSON(timeout: 3) {
                if message["type"] as? String == "recommendation_generated" { recommendation = message; break }
            }
            #expect((recommendation?["recommendations"] as? [Any])?.isEmpty == false)
        }
    }
}
