import Foundation
import NIOCore
import VectorStore

/// The JSON messages the server sends besides events.
enum SocketMessages {
    static func serverTime() -> JSONValue {
        .string(Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)))
    }

    static func buffer(_ object: [String: JSONValue]) -> ByteBuffer {
        ByteBuffer(bytes: JSONValue.object(object).serialized())
    }

    static func confirmation(admission: SocketAdmission, connectionID: String, seq: Int64, replayed: Int) -> ByteBuffer {
        buffer(["type": "connection_confirmed", "channel": .string(admission.channel), "connection_id": .string(connectionID),
                "seq": .int(seq), "server_time": serverTime(), "connection_type": .string(admission.kind),
                "resource_id": .string(admission.resource), "replayed": .int(Int64(replayed))])
    }

    static func resync(channel: String, since: Int64, current: Int64) -> ByteBuffer {
        buffer(["type": "resync_required", "channel": .string(channel), "since": .int(since), "seq": .int(current),
                "message": "events after 'since' are no longer kept: reload the state, then follow from 'seq'"])
    }

    static func pong() -> ByteBuffer {
        buffer(["type": "pong", "server_time": serverTime()])
    }

    static func error(_ message: String) -> ByteBuffer {
        buffer(["type": "error", "message": .string(message)])
    }
}
