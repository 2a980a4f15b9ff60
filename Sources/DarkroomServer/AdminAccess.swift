import DarkroomCore
import DarkroomFetch
import Foundation
import Hummingbird
import NIOCore

/// Who may read the archive, through the API (`/v1/tasks…`) or the gallery (`/`, `/tasks/…`):
/// with `--admin-token` set, requests that send one as `Authorization: Bearer` or in the cookie
/// that `?admin_token=` sets for a browser; without, only this machine: a loopback peer that
/// names a loopback `Host` (a page whose name was rebound to 127.0.0.1 sends its own name, and a
/// proxy on this machine that passes the public name on is not this machine either).
///
/// It guards a router group, so it runs for whatever request the router hands to one of the
/// group's routes, however its path was spelled (`//v1/tasks`, `/v1//tasks/`). The callback
/// endpoint, health, metrics and the API document are outside the group: a generator can post,
/// not read.
struct AdminAccess: RouterMiddleware {
    typealias Context = DarkroomRequestContext
    private let tokens: TokenSet
    private let secureCookie: Bool

    init(tokens: [String], secureCookie: Bool) {
        self.tokens = TokenSet(tokens)
        self.secureCookie = secureCookie
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if tokens.isEmpty {
            guard Self.isLoopback(context.remoteAddress) else {
                throw HTTPError(.forbidden, message: "without --admin-token the API answers only this machine")
            }
            // HTTP/1.0 clients may send no Host; a browser always sends one.
            if let host = request.head.authority, !Loopback.isLoopbackHost(host) {
                throw HTTPError(.misdirectedRequest, message: "without --admin-token the API answers only requests for localhost or a loopback address (Host)")
            }
            return try await next(request, context)
        }
        // A browser cannot send a header from a link: `?admin_token=` once sets a cookie, and the
        // page is loaded again without the token in its address.
        if let offered = request.uri.queryParameters.get("admin_token") {
            guard tokens.contains(offered) else { throw HTTPError(.unauthorized, message: "wrong admin token") }
            var cookie = "\(Self.cookie)=\(offered.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""); Path=/; HttpOnly; SameSite=Strict"
            if secureCookie || request.headers[.xForwardedProto]?.lowercased() == "https" { cookie += "; Secure" }
            let rest = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("admin_token=") }
            let path = request.uri.path
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
        guard let text = address.ipAddress else { return address.protocol == .unix }
        return IPAddress(text).map { Loopback.contains($0) } ?? false
    }
}
