import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `darkroom serve` running as a process of its own, on a free port of 127.0.0.1, for tests
/// that treat it as a user would: real HTTP requests, SIGTERM, SIGKILL, a restart on the same
/// data folder.
public final class ServerProcess: @unchecked Sendable {
    public let port: Int
    public let data: URL
    public let log: URL
    private let process = Process()

    /// Starts the server on a port the kernel picks (`--port 0`: a port chosen by the test
    /// could be taken by another test's server between the choice and the bind, and requests
    /// would then reach that one) and returns once it says where it listens and `/healthz`
    /// answers there (over plain HTTP, or as `ready` finds it: a server behind TLS needs a
    /// client that trusts its CA).
    public init(
        data: URL, arguments: [String] = [], environment: [String: String] = [:],
        ready: (@Sendable (Int) async -> Bool)? = nil
    ) async throws {
        self.data = data
        try FileManager.default.createDirectory(at: data.deletingLastPathComponent(), withIntermediateDirectories: true)
        log = data.deletingLastPathComponent().appendingPathComponent("serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: try darkroomBinary())
        process.arguments = ["serve", "--data", data.path, "--port", "0"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let (process, log) = (process, log)
        var listening: Int?
        try await waitUntil("the server answers /healthz", timeout: .seconds(30)) {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard process.isRunning else { throw ServerProcessError.exited(status: process.terminationStatus, log: text) }
            if listening == nil, let match = text.firstMatch(of: /listening on \S+:(\d+)/) { listening = Int(match.1) }
            guard let port = listening else { return false }
            if let ready { return await ready(port) }
            return (try? await HTTPAnswer.fetch("GET", URL(string: "http://127.0.0.1:\(port)/healthz")!).status) == 200
        }
        port = listening!
    }

    /// The server's process id, and whether it still runs (a test shows the same process survived).
    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    public var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    public func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)")!
    }

    public func request(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPAnswer {
        try await HTTPAnswer.fetch(method, url(path), headers: headers, body: body)
    }

    /// Waits until `GET /v1/tasks/{id}` says the task is in `state`; returns that answer.
    @discardableResult
    public func waitForTask(_ id: String, _ state: String, timeout: Duration = .seconds(120)) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        try await waitUntil("task \(id) is \(state)", timeout: timeout) {
            last = try await request("GET", "/v1/tasks/\(id)").json ?? [:]
            return last["state"] as? String == state
        }
        return last
    }

    /// Sends `signal` and waits for the process to end; returns its exit status (or the signal).
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM) async -> Int32 {
        kill(process.processIdentifier, signal)
        return await ChildExit.status(of: process)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

public enum ServerProcessError: Error, CustomStringConvertible {
    case exited(status: Int32, log: String)
    case timedOut(String)

    public var description: String {
        switch self {
        case .exited(let status, let log): "darkroom serve exited \(status): \(log)"
        case .timedOut(let what): "timed out waiting until \(what)"
        }
    }
}

/// An HTTP answer: status, headers by lower-case name, body.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    public var text: String { String(decoding: body, as: UTF8.self) }

    public static func fetch(_ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPAnswer {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            fields[String(describing: name).lowercased()] = String(describing: value)
        }
        return HTTPAnswer(status: http.statusCode, headers: fields, body: data)
    }
}

/// Checks `condition` every 50 ms until it holds, failing after `timeout`: for state that
/// another process changes, which the test can observe but not be told about.
public func waitUntil(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw ServerProcessError.timedOut(what)
}

/// A TCP port on 127.0.0.1 that nothing uses now, below the kernel's ephemeral range: a server
/// that stops and starts again on it (PostgreSQL in an outage test, a webhook receiver) must
/// find it free, and a port from the ephemeral range may meanwhile become the local end of any
/// connection this machine makes (seen: PostgreSQL's restart refused "Address already in use").
public func freePort() throws -> Int {
    let (low, high) = ephemeralRange()
    let candidates = 10_000..<max(10_001, min(low, 65_536))
    for _ in 0..<200 {
        let port = Int.random(in: candidates)
        if (low...high).contains(port) { continue }
        if canBind(port) { return port }
    }
    throw ServerProcessError.timedOut("a free port below \(low)")
}

/// `net.ipv4.ip_local_port_range`: where the kernel picks the local ports of connections and of
/// sockets bound to port 0.
private func ephemeralRange() -> (Int, Int) {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    return numbers.count == 2 ? (numbers[0], numbers[1]) : (32_768, 60_999)
}

private func canBind(_ port: Int) -> Bool {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
