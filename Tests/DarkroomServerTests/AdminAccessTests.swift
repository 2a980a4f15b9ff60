@testable import DarkroomServer
import DarkroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Who may read the API: the admin token when one is set, else only this machine.
@Suite struct AdminAccessTests {
    @Test func anAdminTokenGuardsTheAPIButNotTheCallbacks() async throws {
        let settings = try testSettings("admin") { $0.adminTokens = ["adm1n"] }
        let body = try RepositoryFiles.sampleCallback("legacy-processing.json")
        try await withRouter(settings) { client in
            let posted = try await client.postCallback(body)
            #expect(posted.status == .ok, "the callback endpoint has its own caller check")
            let none = try await client.execute(uri: "/v1/tasks", method: .get)
            #expect(none.status == .unauthorized)
            #expect(none.errorMessage == "the API needs the admin token (Authorization: Bearer, or ?admin_token= once in a browser)")
            let wrong = try await client.execute(uri: "/v1/tasks/CjhGRWdYqgAAAAAAXyZc8Q", method: .get, headers: [.authorization: "Bearer guess"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorMessage == "wrong admin token")
            let right = try await client.execute(uri: "/v1/tasks/CjhGRWdYqgAAAAAAXyZc8Q", method: .get, headers: [.authorization: "Bearer adm1n"])
            #expect(right.status == .ok)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func withoutATokenOnlyLoopbackPeersMayRead() throws {
        #expect(AdminAccess.isLoopback(try SocketAddress(ipAddress: "127.0.0.1", port: 5000)))
        #expect(AdminAccess.isLoopback(try SocketAddress(ipAddress: "127.8.9.10", port: 5000)))
        #expect(AdminAccess.isLoopback(try SocketAddress(ipAddress: "::1", port: 5000)))
        #expect(AdminAccess.isLoopback(try SocketAddress(ipAddress: "::ffff:127.0.0.1", port: 5000)))
        #expect(!AdminAccess.isLoopback(try SocketAddress(ipAddress: "10.0.0.5", port: 5000)))
        #expect(!AdminAccess.isLoopback(try SocketAddress(ipAddress: "2001:db8::1", port: 5000)))
        #expect(!AdminAccess.isLoopback(try SocketAddress(ipAddress: "::ffff:10.0.0.5", port: 5000)))
    }
}
