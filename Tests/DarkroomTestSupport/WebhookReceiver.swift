import Foundation

/// An endpoint for Darkroom's notifications on 127.0.0.1, the independent oracle for them: a
/// Python server that checks every request with the `standardwebhooks` package (signature,
/// timestamp, id) and answers each path from a plan (`["/hook": [500, 500, 500]]`: three 500s,
/// then 200s). Every request is written down, verified or not.
public final class WebhookReceiver: @unchecked Sendable {
    public struct Received: Sendable {
        public var path: String
        public var id: String?
        /// What the receiver answered.
        public var status: Int
        /// Whether `standardwebhooks` accepted the request; `error` says why not.
        public var verified: Bool
        public var error: String?
        /// The body as JSON, when it verified.
        public var payloadJSON: Data?

        /// The body, parsed.
        public var payload: [String: Any]? {
            payloadJSON.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }
    }

    public let port: Int
    private let server: LifelineProcess
    private let requests: URL

    /// Starts the receiver on `port` (0: a free one), appending to `folder/webhooks.jsonl`.
    public init(secret: String, plan: [String: [Int]] = [:], port: Int = 0, folder: URL) async throws {
        requests = folder.appendingPathComponent("webhooks.jsonl")
        let log = folder.appendingPathComponent("receiver-\(UUID().uuidString.prefix(6)).log")
        let planJSON = String(decoding: try JSONSerialization.data(withJSONObject: plan), as: UTF8.self)
        let server = try LifelineProcess([RepositoryFiles.python, "-c", Self.script, secret, requests.path, planJSON, String(port)], log: log)
        self.server = server
        var found: Int?
        try await waitUntil("the webhook receiver listens", timeout: .seconds(30)) {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /listening on ([0-9]+)/) { found = Int(match.1) }
            if found == nil, server.hasExited { throw CommandError.failed("webhook receiver", CommandResult(status: -1, stdout: text, stderr: "", stdoutData: Data())) }
            return found != nil
        }
        self.port = found ?? 0
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every request received so far, by this receiver and any earlier one on the same folder.
    public func received() throws -> [Received] {
        let text = (try? String(contentsOf: requests, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return Received(path: object["path"] as? String ?? "", id: object["id"] as? String, status: object["status"] as? Int ?? 0,
                            verified: object["verified"] as? Bool ?? false, error: object["error"] as? String,
                            payloadJSON: try (object["payload"] as? [String: Any]).map { try JSONSerialization.data(withJSONObject: $0) })
        }
    }

    /// Stops the receiver (SIGKILL); its port is free for another.
    public func stop() async throws {
        server.kill()
        try await waitUntil("the webhook receiver stops", timeout: .seconds(10)) { server.hasExited }
    }

    private static let script = #"""
        import http.server, json, sys, threading
        import standardwebhooks
        secret, log_path, plan, port = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
        webhook = standardwebhooks.Webhook(secret)
        lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    payload, verified, error = webhook.verify(body, headers), True, None
                except Exception as failure:
                    payload, verified, error = None, False, f"{type(failure).__name__}: {failure}"
                with lock:
                    statuses = plan.get(self.path, [])
                    status = statuses.pop(0) if statuses else 200
                    with open(log_path, "a") as log:
                        log.write(json.dumps({"path": self.path, "id": headers.get("webhook-id"), "status": status,
                                              "verified": verified, "error": error, "payload": payload}) + "\n")
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *arguments):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        print("listening on", server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
