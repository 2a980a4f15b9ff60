import DarkroomCore
import Hummingbird
import Logging

/// One debug line per request: method, target and status. Credentials in the query string
/// (`?token=`, `?admin_token=`) are written as `REDACTED`; the target is escaped, as it is the
/// caller's text.
struct RequestLog: RouterMiddleware {
    typealias Context = DarkroomRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let target = LogText.redactedTarget(path: request.uri.path, query: request.uri.query)
        do {
            let response = try await next(request, context)
            context.logger.debug("request", metadata: ["method": "\((context.sentMethod ?? request.method).rawValue)", "target": "\(target)", "status": "\(response.status.code)"])
            return response
        } catch let error as HTTPResponseError {
            context.logger.debug("request", metadata: ["method": "\((context.sentMethod ?? request.method).rawValue)", "target": "\(target)", "status": "\(error.status.code)"])
            throw error
        }
    }
}
