/// An event as one channel delivers it: with the channel's sequence number and the exact message
/// sent to subscribers (the event's JSON object with `seq` and `channel` added first), built once
/// per channel and shared by every subscriber.
public struct DeliveredEvent: Sendable, Equatable {
    public var channel: String
    public var seq: Int64
    public var event: RealtimeEvent
    /// The JSON text subscribers receive, UTF-8.
    public var message: [UInt8]

    public init(channel: String, seq: Int64, event: RealtimeEvent) {
        self.channel = channel
        self.seq = seq
        self.event = event
        self.message = Self.message(channel: channel, seq: seq, body: event.body)
    }

    /// `{"seq":N,"channel":"...",<the body's members>}`.
    static func message(channel: String, seq: Int64, body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + channel.utf8.count + 32)
        out.append(contentsOf: #"{"seq":"#.utf8)
        out.append(contentsOf: String(seq).utf8)
        out.append(contentsOf: #","channel":"#.utf8)
        JSONText.appendString(channel, to: &out)
        // The body is a serialised object: splice its members after ours.
        let open = body.firstIndex(of: UInt8(ascii: "{"))
        let rest: ArraySlice<UInt8> = open.map { body[body.index(after: $0)...] } ?? [UInt8(ascii: "}")][...]
        let blank: Set<UInt8> = [0x20, 0x0A, 0x0D, 0x09]
        if let first = rest.first(where: { !blank.contains($0) }), first != UInt8(ascii: "}") { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: rest)
        return out
    }
}

/// Minimal JSON text helpers for the messages this module builds.
enum JSONText {
    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
