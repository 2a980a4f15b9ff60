import DarkroomCore
import Foundation
import Hummingbird
import NIOCore

/// The request context of Darkroom's routes: Hummingbird's basics plus the peer's address, which
/// decides who may read the API when no admin token is set.
struct DarkroomRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// Nil when the request did not come over a socket (the router tests).
    let remoteAddress: SocketAddress?
    /// The method the client sent, when `UnknownMethod` routed it as another.
    var sentMethod: HTTPRequest.Method?

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

extension DarkroomRequestContext {
    /// The `:id` of a task route, percent-decoded once: the router matches the raw segment, so
    /// `a%20b` is task `a b` and `a%2Fb` is task `a/b` (ids are the generator's and may hold
    /// anything). A segment that is not valid percent-encoding names no task.
    private func taskID() throws -> String {
        try decodedID("task")
    }

    /// The task a task route names: `:id`, of the provider `?provider=` (Kling when absent, as
    /// every task was before there were providers). A provider Darkroom does not know has no
    /// tasks: 404, as any task not seen.
    func task(_ request: Request) throws -> TaskKey {
        TaskKey(provider: try request.provider(), id: try taskID())
    }

    /// The `:id` of an event route, read as a task's is.
    func eventID() throws -> String {
        try decodedID("event")
    }

    private func decodedID(_ what: String) throws -> String {
        let raw = try parameters.require("id")
        guard let id = raw.removingPercentEncoding, !id.isEmpty else {
            throw HTTPError(.badRequest, message: "the \(what) id in the path is not valid percent-encoding")
        }
        // No id holds NUL (callbacks and registrations refuse it), and PostgreSQL could not be asked.
        guard !id.unicodeScalars.contains("\0") else { throw HTTPError(.notFound, message: "no \(what) has an id with a NUL character") }
        return id
    }
}
