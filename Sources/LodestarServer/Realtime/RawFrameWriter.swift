import NIOCore

/// Writes WebSocket frames that are already encoded (server frames are unmasked, so one encoded
/// event serves every subscriber). It sits at the head end of the pipeline, before NIO's frame
/// encoder, so these writes skip per-connection encoding; control frames still go through the
/// encoder. Both paths run on the channel's event loop and meet at the head, in order.
final class RawFrameWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes an encoded frame (no promise: completion is not tracked per write).
    func write(_ frame: ByteBuffer, flush: Bool) {
        guard let context else { return }
        context.write(wrapOutboundOut(frame), promise: nil)
        if flush { context.flush() }
    }

    /// Sends what was written without a flush.
    func flush() { context?.flush() }

    /// A final text frame carrying `payload`, encoded as a server sends it (no mask).
    static func textFrame(_ payload: some Collection<UInt8>) -> ByteBuffer {
        var frame = ByteBuffer()
        frame.reserveCapacity(payload.count + 10)
        frame.writeInteger(UInt8(0x81))
        if payload.count < 126 {
            frame.writeInteger(UInt8(payload.count))
        } else if payload.count <= Int(UInt16.max) {
            frame.writeInteger(UInt8(126))
            frame.writeInteger(UInt16(payload.count))
        } else {
            frame.writeInteger(UInt8(127))
            frame.writeInteger(UInt64(payload.count))
        }
        frame.writeBytes(payload)
        return frame
    }

    static func textFrame(_ payload: ByteBuffer) -> ByteBuffer {
        textFrame(payload.readableBytesView)
    }
}
