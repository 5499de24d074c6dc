import FuzzSupport
import Foundation
import Testing
@testable import LodestarServer

/// Seeded mutation fuzzing of the live server's input, bounded in time and count: HTTP requests
/// and WebSocket frames. No input gets a 5xx, none stops the server from serving the next client.
@Suite struct ServerFuzzTests {
    static func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
        let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode, 0x80 | UInt8(payload.count)]
        frame += mask
        for (i, byte) in payload.enumerated() { frame.append(byte ^ mask[i & 3]) }
        return frame
    }

    @Test func httpRequestsNeverGetA5xx() async throws {
        let harness = try await Harness(httpIdleTimeout: .seconds(2), requestTimeout: .seconds(2))
        defer { harness.cleanup() }
        let token = try await harness.token(.admin)
        let seeds = [
            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /api/v1/collections HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"name\":\"fz\"}",
            "POST /api/v1/collections/fz/get HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Length: 29\r\n\r\n{\"where\":{\"a\":{\"$in\":[1,2]}}}",
            "POST /api/v1/embed HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nTransfer-Encoding: chunked\r\n\r\nd\r\n{\"texts\":[\"a\"\r\n2\r\n]}\r\n0\r\n\r\n",
            "GET /ws/pipeline?token=\(token) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        ].map { Array($0.utf8) }
        try await harness.runLive { _, port in
            var mutator = Mutator(seed: 0x5EED_0401, seeds: seeds)
            var ran = 0, answered = 0
            let deadline = Date().addingTimeInterval(8)
            // 32 connections at a time: an incomplete request waits for the 2 s request timeout.
            while Date() < deadline, ran < 400 {
                let batch = (0..<32).map { _ in mutator.input() }
                ran += batch.count
                let answers = await withTaskGroup(of: (String?, [UInt8]).self) { group in
                    for bytes in batch {
                        group.addTask {
                            guard let socket = try? PlainSocket(port: port) else { return (nil, bytes) }
                            try? socket.send(String(decoding: bytes, as: UTF8.self))
                            return (await socket.answer(timeout: 3), bytes)
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                for (answer, bytes) in answers {
                    guard let answer, answer.hasPrefix("HTTP/1.1 ") else { continue }
                    answered += 1
                    // 503: over a limit; 505: a mangled version. Nothing else of the 5xx.
                    let status = Int(answer.dropFirst(9).prefix(3)) ?? 0
                    #expect(status < 500 || status == 503 || status == 505, "\(status) for \(String(decoding: bytes.prefix(120), as: UTF8.self))")
                }
            }
            #expect(ran >= 64 && answered > 0, "\(ran) inputs, \(answered) answered")
            let probe = try PlainSocket(port: port)
            try probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await probe.answer(timeout: 30)?.hasPrefix("HTTP/1.1 200 ") == true)
        }
    }

    @Test func webSocketFramesNeverHurtOtherClients() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let path = "/ws/dashboard/class_001?token=\(try await harness.token(.teacher, classes: ["class_001"], subject: "fuzz"))"
        let seeds: [[UInt8]] = [
            Self.frame(1, Array(#"{"type":"ping"}"#.utf8)), Self.frame(9, Array("hi".utf8)), Self.frame(8, [0x03, 0xE8]),
            Self.frame(1, Array(#"{"type":"#.utf8), fin: false) + Self.frame(0, Array(#""ping"}"#.utf8)),
            Self.frame(2, [1, 2, 3]), Self.frame(10, []), Self.frame(1, Array(#"{"type":"subscribe","since":-1}"#.utf8)),
        ]
        try await harness.runLive { _, port in
            let bystander = try await RawWebSocket.open(port: port, path: path)
            #expect(await bystander.nextJSON()?["type"] as? String == "connection_confirmed")
            var mutator = Mutator(seed: 0x5EED_0402, seeds: seeds)
            let ran = try await mutator.run(seconds: 6, limit: 300) { bytes in
                let socket = try await RawWebSocket.open(port: port, path: path)
                _ = await socket.next(timeout: 2)
                try? socket.send(raw: bytes)
                _ = await socket.next(timeout: 0.1)
            }
            #expect(ran > 30, "\(ran) inputs")
            try bystander.send(text: #"{"type":"ping"}"#)
            var pong = false
            for _ in 0..<20 where !pong { pong = await bystander.nextJSON(timeout: 5)?["type"] as? String == "pong" }
            #expect(pong, "the bystander no longer gets answers")
        }
    }
}
