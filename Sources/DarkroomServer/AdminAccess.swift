import DarkroomCore
import Foundation
import Hummingbird
import NIOCore

/// Who may read the archive, through the API (`/v1/tasks…`) or the gallery (`/`, `/tasks/…`):
/// with `--admin-token` set, requests that send one as `Authorization: Bearer` or in the cookie
/// that `?admin_token=` sets for a browser; without, only this machine (a loopback peer). Separate from the callback secret and tokens: a generator can post,
/// not read. The callback endpoint, health, metrics and the API document are not guarded here.
struct AdminAccess: RouterMiddleware {
    typealias Context = DarkroomRequestContext
    private let tokens: TokenSet

    init(tokens: [String]) {
        self.tokens = TokenSet(tokens)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == "/" || path.hasPrefix("/v1/tasks") || path.hasPrefix("/tasks/") else { return try await next(request, context) }
        if tokens.isEmpty {
            guard Self.isLoopback(context.remoteAddress) else {
                throw HTTPError(.forbidden, message: "without --admin-token the API answers only this machine")
            }
            return try await next(request, context)
        }
        // A browser cannot send a header from a link: `?admin_token=` once sets a cookie, and the
        // page is loaded again without the token in its address.
        if let offered = request.uri.queryParameters.get("admin_token") {
            guard tokens.contains(offered) else { throw HTTPError(.unauthorized, message: "wrong admin token") }
            let cookie = "\(Self.cookie)=\(offered.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""); Path=/; HttpOnly; SameSite=Strict"
            let rest = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("admin_token=") }
            return Response(status: .seeOther, headers: [.location: rest.isEmpty ? path : path + "?" + rest.joined(separator: "&"), .setCookie: cookie])
        }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let given = bearer ?? request.cookies[Self.cookie]?.value.removingPercentEncoding else {
            throw HTTPError(.unauthorized, message: "the API needs the admin token (Authorization: Bearer, or ?admin_token= once in a browser)")
        }
        guard tokens.contains(given) else { throw HTTPError(.unauthorized, message: "wrong admin token") }
        return try await next(request, context)
    }

    static let cookie = "darkroom_admin"

    /// A peer on 127.0.0.0/8 or ::1 (IPv4-mapped included); no socket at all counts as local.
    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return true }
        guard let ip = address.ipAddress else { return address.protocol == .unix }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
