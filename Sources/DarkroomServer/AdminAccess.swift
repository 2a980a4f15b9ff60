import Crypto
import Foundation
import Hummingbird
import NIOCore

/// Who may read the archive, through the API (`/v1/tasks…`) or the gallery (`/`, `/tasks/…`):
/// with `--admin-token` set, requests that send one as `Authorization: Bearer`; without, only this
/// machine (a loopback peer). Separate from the callback secret and tokens: a generator can post,
/// not read. The callback endpoint, health, metrics and the API document are not guarded here.
struct AdminAccess: RouterMiddleware {
    typealias Context = DarkroomRequestContext
    private let digests: [SHA256.Digest]

    init(tokens: [String]) {
        digests = tokens.map { SHA256.hash(data: Data($0.utf8)) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == "/" || path.hasPrefix("/v1/tasks") || path.hasPrefix("/tasks/") else { return try await next(request, context) }
        if digests.isEmpty {
            guard Self.isLoopback(context.remoteAddress) else {
                throw HTTPError(.forbidden, message: "without --admin-token the API answers only this machine")
            }
            return try await next(request, context)
        }
        let given = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let given else { throw HTTPError(.unauthorized, message: "the API needs the admin token (Authorization: Bearer)") }
        let digest = SHA256.hash(data: Data(given.utf8))
        guard digests.contains(where: { zip($0, digest).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0 }) else {
            throw HTTPError(.unauthorized, message: "wrong admin token")
        }
        return try await next(request, context)
    }

    /// A peer on 127.0.0.0/8 or ::1 (IPv4-mapped included); no socket at all counts as local.
    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return true }
        guard let ip = address.ipAddress else { return address.protocol == .unix }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
