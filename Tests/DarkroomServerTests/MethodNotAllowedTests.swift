import DarkroomServer
import DarkroomTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A method a path does not take is 405 with `Allow` (schemathesis found TRACE answered 404 on
/// `/healthz`, `/metrics`, `/readyz` and the callback route); HEAD works wherever GET does.
@Suite struct MethodNotAllowedTests {
    @Test(arguments: [
        ("/healthz", HTTPRequest.Method.trace, "GET, HEAD"), ("/readyz", .trace, "GET, HEAD"), ("/metrics", .trace, "GET, HEAD"),
        ("/openapi.yaml", .delete, "GET, HEAD"), ("/v1/callbacks/kling", .trace, "POST"), ("/v1/callbacks/kling", .get, "POST"),
        ("/v1/tasks", .put, "GET, HEAD, POST"), ("/v1/tasks/t1", .put, "GET, HEAD"), ("/v1/tasks/t1/retry", .get, "POST"),
        ("/v1/tasks/t1/files/index.json", .delete, "GET, HEAD"), ("/", .patch, "GET, HEAD"), ("/tasks/t1/retry", .get, "POST"),
        ("/v1/events", .post, "GET, HEAD"), ("/v1/tasks/t1/files.tar", .delete, "GET, HEAD"), ("/v1/events/evt_0/redeliver", .get, "POST"),
        // Methods no route is registered for (schemathesis sends QUERY).
        ("/healthz", HTTPRequest.Method("QUERY")!, "GET, HEAD"), ("/v1/callbacks/kling", HTTPRequest.Method("PROPFIND")!, "POST"),
    ])
    func aMethodThePathDoesNotTakeIs405WithAllow(path: String, method: HTTPRequest.Method, allow: String) async throws {
        try await withRouter(try testSettings("methods")) { client in
            let answer = try await client.execute(uri: path, method: method)
            #expect(answer.status == .methodNotAllowed, "\(method) \(path)")
            #expect(answer.headers[.allow] == allow, "\(method) \(path)")
            #expect(String(buffer: answer.body).contains("\(method.rawValue) is not a method of this path"), "\(String(buffer: answer.body))")
        }
    }

    @Test func headAnswersWhereGetDoes() async throws {
        try await withRouter(try testSettings("head")) { client async throws in
            for path in ["/healthz", "/openapi.yaml", "/v1/tasks"] {
                #expect(try await client.execute(uri: path, method: .head).status == .ok, "\(path)")
            }
        }
    }
}
