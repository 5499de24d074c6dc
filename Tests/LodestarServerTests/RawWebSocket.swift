import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately plain WebSocket client over a blocking socket, for tests that need control a
/// library client does not give: reading the HTTP status of a refused upgrade, never reading,
/// not answering pings, sending oversize or fragmented messages, seeing the close code.
final class RawWebSocket: @unchecked Sendable {
    enum Message: Equatable {
        case text(String)
        case binary([UInt8])
        case ping
        case pong
        case close(UInt16?)
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private let lock = NSLock()
    /// Answer server pings with pongs while reading.
    var answerPings = true
    /// The HTTP status of the handshake and the body of a refusal.
    private(set) var status = 0
    private(set) var refusalBody = ""
    /// Successful reads from the socket so far (how many pieces the bytes came in).
    private(set) var reads = 0

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Opens a connection off the concurrency pool (the handshake blocks).
    static func open(port: Int, path: String, headers: [String: String] = [:], receiveBuffer: Int32? = nil) async throws -> RawWebSocket {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try RawWebSocket(port: port, path: path, headers: headers, receiveBuffer: receiveBuffer) })
            }
        }
    }

    /// Opens `path` on 127.0.0.1:`port` with the WebSocket handshake. `receiveBuffer` shrinks the
    /// socket's receive buffer (for a client that stops reading).
    init(port: Int, path: String, headers: [String: String] = [:], receiveBuffer: Int32? = nil) throws {
        fd = try PlainSocket.connect(port: port, receiveBuffer: receiveBuffer)
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        try sendAll(Array((request + "\r\n").utf8))
        // The response head.
        var head: [UInt8] = []
        let handshakeDeadline = Date().addingTimeInterval(30)
        while true {
            guard let end = find([13, 10, 13, 10], in: buffer) else {
                guard handshakeDeadline.timeIntervalSinceNow > 0, fill(timeout: handshakeDeadline.timeIntervalSinceNow) != false else {
                    throw Failure(description: "no handshake response")
                }
                continue
            }
            head = Array(buffer[..<end])
            buffer.removeFirst(end + 4)
            break
        }
        let statusLine = String(decoding: head, as: UTF8.self).split(separator: "\r\n").first ?? ""
        status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        if status != 101 {
            while fill(timeout: 5) == true {}
            refusalBody = String(decoding: buffer, as: UTF8.self)
        }
    }

    deinit { close(fd) }

    func shutdown() { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    /// Ends the sending side only (a FIN without a close frame); the socket can still read.
    func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

    // MARK: - Sending

    func send(text: String) throws { try send(opcode: 1, payload: Array(text.utf8)) }

    /// Sends one frame; `masked: false` and `rsv` (bits 0x70 of the first byte) make frames a
    /// conforming client never sends.
    func send(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) throws {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | (rsv & 0x70) | opcode]
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            frame.append(maskBit | UInt8(payload.count))
        } else if payload.count < 65_536 {
            frame.append(maskBit | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        if masked {
            frame += mask
            for (i, byte) in payload.enumerated() { frame.append(byte ^ mask[i & 3]) }
        } else {
            frame += payload
        }
        try sendAll(frame)
    }

    func sendClose(code: UInt16 = 1000) throws { try send(opcode: 8, payload: [UInt8(code >> 8), UInt8(code & 0xFF)]) }

    /// Sends bytes as they are (a frame built by hand, or garbage).
    func send(raw bytes: [UInt8]) throws { try sendAll(bytes) }

    private func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send() failed") }
            offset += sent
        }
    }

    // MARK: - Receiving

    /// The next message within `timeout` seconds (`nil`: nothing arrived, or the socket closed
    /// without a close frame). Runs the blocking read off the concurrency pool.
    func next(timeout: Double = 5) async -> Message? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.nextBlocking(timeout: timeout)) }
        }
    }

    /// The next text message (pings and pongs skipped); `nil` on timeout or close.
    func nextText(timeout: Double = 5) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            switch await next(timeout: deadline.timeIntervalSinceNow) {
            case .text(let text)?: return text
            case .ping?, .pong?: continue
            default: return nil
            }
        }
        return nil
    }

    /// The next text message as a JSON object.
    func nextJSON(timeout: Double = 5) async -> [String: Any]? {
        guard let text = await nextText(timeout: timeout) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// Reads until a close frame (its code) or until the socket ends (`nil`).
    func closeCode(timeout: Double = 5) async -> UInt16? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            switch await next(timeout: deadline.timeIntervalSinceNow) {
            case .close(let code)?: return code
            case nil: return nil
            default: continue
            }
        }
        return nil
    }

    /// Whether the server ends the connection within `timeout` seconds: reads (and drops) what
    /// is still buffered until the end of the stream. `false` when it is still open.
    func ends(within timeout: Double) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.lock.lock()
                defer { self.lock.unlock() }
                let deadline = Date().addingTimeInterval(timeout)
                while deadline.timeIntervalSinceNow > 0 {
                    switch self.fill(timeout: deadline.timeIntervalSinceNow) {
                    case false?: return continuation.resume(returning: true)
                    case true?: self.buffer.removeAll(keepingCapacity: true)
                    case nil: return continuation.resume(returning: false)
                    }
                }
                continuation.resume(returning: false)
            }
        }
    }

    private func nextBlocking(timeout: Double) -> Message? {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let (message, used) = parseFrame() {
                buffer.removeFirst(used)
                if message == .ping && answerPings { try? send(opcode: 10, payload: []) }
                if case .close(let code) = message { try? sendClose(code: code ?? 1000) }
                return message
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0, fill(timeout: left) != false else { return nil }
        }
    }

    private func parseFrame() -> (Message, Int)? {
        guard buffer.count >= 2 else { return nil }
        let opcode = buffer[0] & 0x0F
        var length = Int(buffer[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard buffer.count >= 4 else { return nil }
            length = Int(buffer[2]) << 8 | Int(buffer[3])
            offset = 4
        } else if length == 127 {
            guard buffer.count >= 10 else { return nil }
            length = (2..<10).reduce(0) { $0 << 8 | Int(buffer[$1]) }
            offset = 10
        }
        guard buffer.count >= offset + length else { return nil }
        let payload = Array(buffer[offset..<offset + length])
        let message: Message
        switch opcode {
        case 1: message = .text(String(decoding: payload, as: UTF8.self))
        case 2: message = .binary(payload)
        case 8: message = .close(payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil)
        case 9: message = .ping
        default: message = .pong
        }
        return (message, offset + length)
    }

    /// Reads what is available within `timeout`: true when bytes came, false when the peer
    /// closed, nil on timeout.
    private func fill(timeout: Double) -> Bool? {
        var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pollfd, 1, Int32(max(1, timeout * 1000)))
        guard ready > 0 else { return ready == 0 ? nil : false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        reads += 1
        buffer += chunk[..<count]
        return true
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<i + needle.count]) == needle { return i }
        return nil
    }
}

/// A plain TCP connection to the server, for what happens before or without a WebSocket upgrade.
final class PlainSocket: @unchecked Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = try Self.connect(port: port)
    }

    /// A blocking TCP socket connected to 127.0.0.1:`port` (`receiveBuffer` shrinks its receive
    /// buffer first).
    static func connect(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawWebSocket.Failure(description: "socket() failed") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw RawWebSocket.Failure(description: "connect() failed") }
        return fd
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw RawWebSocket.Failure(description: "send() failed") }
    }

    /// What arrives within `timeout` seconds (one read), `nil` on timeout or end.
    func read(timeout: Double) -> String? {
        var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pollfd, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: chunk[..<count], as: UTF8.self) : nil
    }

    /// `read(timeout:)` on a thread of its own, off the concurrency pool (a blocking read on a
    /// cooperative thread can starve the very server it waits for; Dispatch's global queue runs
    /// about as many blocking reads at once as there are cores, so many would queue).
    func answer(timeout: Double) async -> String? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.read(timeout: timeout)) }.start()
        }
    }

    /// `waitForEnd(timeout:)` on a thread of its own.
    func ends(within timeout: Double) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.waitForEnd(timeout: timeout)) }.start()
        }
    }

    /// Whether the server ends the connection within `timeout` seconds (data before the end is
    /// skipped).
    func waitForEnd(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while deadline.timeIntervalSinceNow > 0 {
            var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pollfd, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { return false }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return true }
        }
        return false
    }
}
