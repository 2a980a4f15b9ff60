import Foundation
import Synchronization

/// An HTTP/1.1 server on 127.0.0.1 for tests, on a port of its own, answering each request
/// with what the test's handler says, down to the bytes: it can send a body longer or shorter
/// than its Content-Length, drop the connection part way, or drip slowly. One thread accepts,
/// one thread serves each connection; `stop()` (or deinit) ends the listening.
public final class TestHTTPServer: Sendable {
    public typealias Handler = @Sendable (TestHTTPRequest) -> TestHTTPResponse

    public let host: String
    public let port: Int
    private let listener: Int32
    private let core: Core
    private let stopped = Mutex(false)

    /// What the serving threads use; they keep it alive, not the server.
    private final class Core: Sendable {
        let handler: Handler
        let requests = Mutex<[TestHTTPRequest]>([])

        init(handler: @escaping Handler) {
            self.handler = handler
        }

        func serve(_ connection: Int32) {
            defer { close(connection) }
            var buffer = Data()
            while let request = TestHTTPRequest.read(from: connection, buffer: &buffer) {
                requests.withLock { $0.append(request) }
                let response = handler(request)
                guard response.write(to: connection, method: request.method) else { return }
            }
        }
    }

    /// Listens on `host` (any address in 127.0.0.0/8 works on Linux without set-up), on a free port.
    public init(host: String = "127.0.0.1", handler: @escaping Handler) throws {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestServerError.socket(errno) }
        var reuse: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 128) == 0 else { close(socket); throw TestServerError.socket(errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.host = host
        listener = socket
        let core = Core(handler: handler)
        self.core = core
        // The accepting thread owns the listening socket and alone closes it, once `stop()`'s
        // shutdown makes accept fail: closed by `stop()` instead, its number could be given to
        // another test's new listener before this thread's next accept, which then took that
        // server's connections and answered them with this one's handler (a 404 for a file the
        // other server does serve, seen in the fetcher's tests).
        Thread.detachNewThread { [listener] in
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if errno == EINTR { continue }
                    close(listener)
                    return
                }
                Thread.detachNewThread { core.serve(connection) }
            }
        }
    }

    deinit {
        stop()
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    public var baseURL: URL { URL(string: "http://\(host):\(port)")! }

    public func url(_ path: String) -> URL { baseURL.appendingPathComponent(path) }

    /// Every request served so far, in arrival order.
    public var receivedRequests: [TestHTTPRequest] { core.requests.withLock { $0 } }

    /// Stops accepting connections; idempotent. The accepting thread closes the socket.
    public func stop() {
        let first = stopped.withLock { wasStopped in
            defer { wasStopped = true }
            return !wasStopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
    }
}

public enum TestServerError: Error {
    case socket(Int32)
}
