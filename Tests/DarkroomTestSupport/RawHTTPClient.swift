import Foundation

/// A client that sends bytes exactly as the test writes them (no path normalisation, any
/// `Host`, half a request), on a socket to 127.0.0.1, and reads the answer until the server
/// closes: for tests of what a server does with requests that no ordinary client would send.
/// The blocking socket work runs on a thread of its own, off Swift's cooperative pool.
public enum RawHTTPClient {
    public struct Answer: Sendable {
        public var status: Int
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: Data
    }

    public enum Failure: Error, CustomStringConvertible {
        case connect(Int32)
        case noAnswer(String)

        public var description: String {
            switch self {
            case .connect(let code): "cannot connect: errno \(code)"
            case .noAnswer(let bytes): "not an HTTP answer: \(bytes.prefix(200))"
            }
        }
    }

    /// Sends `method target` with `Connection: close`, the given headers (a `Host` among them
    /// if the test wants one) and body, and returns the answer.
    public static func send(
        port: Int, _ method: String, _ target: String, headers: [(String, String)] = [("Host", "127.0.0.1")], body: Data = Data()
    ) async throws -> Answer {
        var head = "\(method) \(target) HTTP/1.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        let bytes = Data((head + "\r\n").utf8) + body
        let reply = try await exchange(port: port, bytes)
        return try parse(reply)
    }

    /// Writes `bytes` and reads until the server closes the connection; the raw bytes read.
    public static func exchange(port: Int, _ bytes: Data) async throws -> Data {
        try await onThread {
            let socket = try connect(port: port)
            defer { close(socket) }
            _ = bytes.withUnsafeBytes { Foundation.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            return readToEnd(socket)
        }
    }

    /// Opens a connection, writes `bytes` (half a request, say) and waits, without writing more,
    /// until the server closes it or `limit` passes. Returns how long the server took to close,
    /// or nil if it kept the connection open past `limit`.
    public static func timeToClose(port: Int, after bytes: Data, limit: Duration) async throws -> Duration? {
        try await onThread {
            let socket = try connect(port: port)
            defer { close(socket) }
            var timeout = timeval(tv_sec: Int(limit.components.seconds) + 1, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let started = ContinuousClock.now
            _ = bytes.withUnsafeBytes { Foundation.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var chunk = [UInt8](repeating: 0, count: 4096)
            while ContinuousClock.now - started < limit {
                let count = recv(socket, &chunk, chunk.count, 0)
                if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { return ContinuousClock.now - started }
            }
            return nil
        }
    }

    /// A connected socket to 127.0.0.1:`port`, for a test that holds connections open itself.
    public static func connect(port: Int) throws -> Int32 {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(socket)
            throw Failure.connect(code)
        }
        return socket
    }

    private static func readToEnd(_ socket: Int32) -> Data {
        var reply = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &chunk, chunk.count, 0)
            if count <= 0 { return reply }
            reply.append(contentsOf: chunk[0..<count])
        }
    }

    static func parse(_ reply: Data) throws -> Answer {
        guard let end = reply.range(of: Data("\r\n\r\n".utf8)) else { throw Failure.noAnswer(String(decoding: reply, as: UTF8.self)) }
        let lines = String(decoding: reply[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = lines[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else { throw Failure.noAnswer(lines[0]) }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: Data(reply[end.upperBound...]))
    }

    private static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
