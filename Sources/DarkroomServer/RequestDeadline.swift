import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body does not arrive in full within `timeout` of its
/// head: a client that sends half a request and waits, or drips a byte a second, holds its
/// connection for that long and no longer. (A connection with no request, or whose head is not
/// complete, is closed by the server's idle time-out.) One per connection, on its event loop.
final class RequestDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var scheduled: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            scheduled?.cancel()
            let channel = context.channel
            scheduled = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        case .end:
            scheduled?.cancel()
            scheduled = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        scheduled?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        scheduled?.cancel()
        context.fireChannelInactive()
    }
}
