import Hummingbird

/// Puts the router behind a step that routes a request whose method no route is registered
/// for (`QUERY`, `PROPFIND`, anything a client invents) as `TRACE`, which no path takes and
/// every path answers with 405 and `Allow` (`MethodNotAllowed`). The router has no fallback for
/// "this path, another method", and its 404 would claim the path does not exist. The method the
/// client sent is kept in the context, for the answer's message and the request log.
struct UnknownMethod<Router: HTTPResponder<DarkroomRequestContext>>: HTTPResponder {
    typealias Context = DarkroomRequestContext
    let router: Router

    func respond(to request: Request, context: Context) async throws -> Response {
        guard !MethodNotAllowed.methods.contains(request.method) else { return try await router.respond(to: request, context: context) }
        var context = context
        context.sentMethod = request.method
        var head = request.head
        head.method = .trace
        return try await router.respond(to: Request(head: head, body: request.body), context: context)
    }
}
