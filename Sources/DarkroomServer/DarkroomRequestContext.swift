import Hummingbird
import NIOCore

/// The request context of Darkroom's routes: Hummingbird's basics plus the peer's address, which
/// decides who may read the API when no admin token is set.
struct DarkroomRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// Nil when the request did not come over a socket (the router tests).
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
