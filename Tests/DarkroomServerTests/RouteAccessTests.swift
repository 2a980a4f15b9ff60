@testable import DarkroomServer
import DarkroomTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// Access is decided by the route that answers: every guarded route, spelled every way a router
/// might still match it, over a real socket (no client normalises the path on the way).
@Suite struct RouteAccessTests {
    static let id = "CjhGRWdYqgAAAAAAXyZc8Q"

    /// The guarded routes, as (method, path).
    static let routes: [(String, String)] = [
        ("GET", "/v1/tasks"), ("GET", "/v1/tasks/\(id)"), ("POST", "/v1/tasks/\(id)/retry"),
        ("GET", "/v1/tasks/\(id)/files/index.json"), ("HEAD", "/v1/tasks/\(id)/files/index.json"),
        ("GET", "/"), ("GET", "/tasks/\(id)"), ("POST", "/tasks/\(id)/retry"),
        ("GET", "/v1/events"), ("POST", "/v1/events/evt_0/redeliver"), ("GET", "/v1/tasks/\(id)/files.tar"),
    ]

    /// Spellings of `path` that a router may take for it.
    /// Over a raw socket, which waits as long as the server takes (see `withLiveServer`).
    static func postCallback(_ body: Data, port: Int) async throws -> Int {
        try await RawHTTPClient.send(port: port, "POST", "/v1/callbacks/kling", headers: [("Host", "127.0.0.1"), ("Content-Type", "application/json")], body: body).status
    }

    static func spellings(_ path: String) -> [String] {
        let inner = path.dropFirst()
        var all = [path, "/" + path, path + "/", path + "//", "//" + inner, "/./" + inner, path + "?x=/&y=//",
                   path.replacingOccurrences(of: "/", with: "//"), path.replacingOccurrences(of: "/", with: "///"),
                   path.replacingOccurrences(of: "/", with: "/./"), "/" + inner.replacingOccurrences(of: "/", with: "%2F"),
                   "/x/.." + path, path + "#frag"]
        if let slash = inner.firstIndex(of: "/") { all.append("/" + inner[..<slash] + "//" + inner[inner.index(after: slash)...]) }
        return all
    }

    @Test func noSpellingReachesAGuardedRouteWithoutTheAdminToken() async throws {
        let settings = try testSettings("spell-token") { $0.adminTokens = ["adm1n-token-long"] }
        let body = try RepositoryFiles.sampleCallback("legacy-processing.json")
        try await withLiveServer(settings) { port in
            #expect(try await Self.postCallback(body, port: port) == 200)
            for (method, path) in Self.routes {
                var reachedOnce = false
                for spelling in Self.spellings(path) {
                    let without = try await RawHTTPClient.send(port: port, method, spelling)
                    #expect([401, 404].contains(without.status), "\(method) \(spelling) answered \(without.status) without a token")
                    let wrong = try await RawHTTPClient.send(port: port, method, spelling, headers: [("Host", "127.0.0.1"), ("Authorization", "Bearer guess")])
                    #expect([401, 404].contains(wrong.status), "\(method) \(spelling) answered \(wrong.status) with a wrong token")
                    reachedOnce = reachedOnce || without.status == 401
                    if without.status == 401 {
                        let right = try await RawHTTPClient.send(
                            port: port, method, spelling, headers: [("Host", "127.0.0.1"), ("Authorization", "Bearer adm1n-token-long")])
                        #expect(right.status != 401, "\(method) \(spelling) refused the right token")
                    }
                }
                #expect(reachedOnce, "\(method) \(path) was never guarded: the table does not reach it")
            }
        }
    }

    @Test func withoutATokenNoSpellingAnswersAForeignHost() async throws {
        let settings = try testSettings("spell-local")
        try await withLiveServer(settings) { port in
            for (method, path) in Self.routes {
                for spelling in Self.spellings(path) {
                    for host in ["evil.example", "127.evil.example", "evil.example:\(port)", "localhost.evil.example"] {
                        let answer = try await RawHTTPClient.send(port: port, method, spelling, headers: [("Host", host)])
                        #expect([421, 404].contains(answer.status), "\(method) \(spelling) with Host \(host) answered \(answer.status)")
                    }
                    for host in ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)", "127.1.2.3", "LOCALHOST"] {
                        let answer = try await RawHTTPClient.send(port: port, method, spelling, headers: [("Host", host)])
                        #expect(answer.status != 421, "\(method) \(spelling) with Host \(host) was refused")
                    }
                }
            }
        }
    }

    @Test func aCrossSitePostIsRefusedAndASameSiteOneIsNot() async throws {
        let settings = try testSettings("cross-site")
        let body = try RepositoryFiles.sampleCallback("legacy-failed.json")
        try await withLiveServer(settings) { port in
            #expect(try await Self.postCallback(body, port: port) == 200)
            let host = "127.0.0.1:\(port)"
            for path in ["/tasks/\(Self.id)/retry", "/v1/tasks/\(Self.id)/retry"] {
                let crossSite = try await RawHTTPClient.send(port: port, "POST", path, headers: [("Host", host), ("Sec-Fetch-Site", "cross-site")])
                #expect(crossSite.status == 403, "\(path)")
                let sameSiteOther = try await RawHTTPClient.send(port: port, "POST", path, headers: [("Host", host), ("Sec-Fetch-Site", "same-site")])
                #expect(sameSiteOther.status == 403, "\(path)")
                let foreignOrigin = try await RawHTTPClient.send(port: port, "POST", path, headers: [("Host", host), ("Origin", "http://evil.example")])
                #expect(foreignOrigin.status == 403, "\(path)")
                let sameOrigin = try await RawHTTPClient.send(
                    port: port, "POST", path, headers: [("Host", host), ("Origin", "http://\(host)"), ("Sec-Fetch-Site", "same-origin")])
                #expect(sameOrigin.status != 403, "\(path)")
            }
        }
    }

    @Test func everyAnswerSaysNoSniffAndTheGalleryForbidsFraming() async throws {
        let settings = try testSettings("headers")
        try await withLiveServer(settings) { port in
            for (method, path) in [("GET", "/healthz"), ("GET", "/v1/tasks"), ("GET", "/v1/tasks/none"), ("GET", "/nowhere"), ("POST", "/v1/callbacks/kling"), ("GET", "/")] {
                let answer = try await RawHTTPClient.send(port: port, method, path)
                #expect(answer.headers["x-content-type-options"] == "nosniff", "\(method) \(path) (\(answer.status))")
            }
            let page = try await RawHTTPClient.send(port: port, "GET", "/")
            let policy = try #require(page.headers["content-security-policy"])
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(policy.contains("default-src 'none'"))
        }
    }
}
