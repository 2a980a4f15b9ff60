import HTTPTypes
import Hummingbird

/// Refuses a state-changing request (anything but GET, HEAD, OPTIONS) that a browser says came
/// from another site, so that a page elsewhere cannot make a logged-in or local browser post a
/// retry. Browsers send `Sec-Fetch-Site`; older ones only `Origin`, which must then name the
/// host the request was sent to. Requests without either (curl, scripts) are not a browser's
/// cross-site form post and pass to the route's own checks.
struct CrossSiteGuard: RouterMiddleware {
    typealias Context = DarkroomRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if [.get, .head, .options].contains(request.method) { return try await next(request, context) }
        if let site = request.headers[.secFetchSite] {
            guard site == "same-origin" || site == "none" else {
                throw HTTPError(.forbidden, message: "a cross-site request (Sec-Fetch-Site: \(site.prefix(20))) may not change a task")
            }
        } else if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard let offered = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first,
                  offered.lowercased() == host.lowercased()
            else {
                throw HTTPError(.forbidden, message: "a request from another origin may not change a task")
            }
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}

/// Headers every answer carries: no content sniffing (an archived file is served as its listed
/// type, never as a page a browser guesses).
struct SecurityHeaders: RouterMiddleware {
    typealias Context = DarkroomRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[.xContentTypeOptions] = "nosniff"
            return response
        } catch let error as HTTPResponseError {
            var response = try error.response(from: request, context: context)
            response.headers[.xContentTypeOptions] = "nosniff"
            return response
        }
    }
}
