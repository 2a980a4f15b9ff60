import Foundation

/// What the test server sends back. Unless `contentLength` overrides it, Content-Length is the
/// body's length; `dropAfter` closes the connection after that many body bytes; `chunked`
/// uses chunked transfer encoding with no length; `delayPerChunk` paces the body in 16 KiB
/// pieces.
public struct TestHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data
    public var contentLength: Int?
    public var dropAfter: Int?
    public var chunked: Bool
    public var delayPerChunk: TimeInterval?

    public init(
        status: Int = 200, headers: [(String, String)] = [], body: Data = Data(),
        contentLength: Int? = nil, dropAfter: Int? = nil, chunked: Bool = false, delayPerChunk: TimeInterval? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.contentLength = contentLength
        self.dropAfter = dropAfter
        self.chunked = chunked
        self.delayPerChunk = delayPerChunk
    }

    public static func notFound() -> TestHTTPResponse {
        TestHTTPResponse(status: 404, body: Data("not found\n".utf8))
    }

    /// Serves `file`'s bytes, honouring a `Range: bytes=N-` or `bytes=N-M` request with 206.
    public static func file(_ body: Data, for request: TestHTTPRequest, contentType: String = "application/octet-stream") -> TestHTTPResponse {
        var headers = [("Content-Type", contentType), ("Accept-Ranges", "bytes")]
        guard let range = request.header("Range"), range.hasPrefix("bytes="),
              let bounds = Optional(range.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)),
              bounds.count == 2, let start = Int(bounds[0]), start < body.count
        else { return TestHTTPResponse(headers: headers, body: body) }
        let end = Int(bounds[1]).map { min($0, body.count - 1) } ?? body.count - 1
        headers.append(("Content-Range", "bytes \(start)-\(end)/\(body.count)"))
        return TestHTTPResponse(status: 206, headers: headers, body: body.subdata(in: start..<end + 1))
    }

    /// Writes the response; false when the connection must close afterwards.
    func write(to connection: Int32, method: String) -> Bool {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if chunked {
            head += "Transfer-Encoding: chunked\r\n"
        } else {
            head += "Content-Length: \(contentLength ?? body.count)\r\n"
        }
        head += "\r\n"
        guard send(connection, Data(head.utf8)) else { return false }
        if method == "HEAD" { return true }

        let limit = min(body.count, dropAfter ?? body.count)
        var offset = 0
        while offset < limit {
            let piece = body.subdata(in: offset..<min(limit, offset + 16 * 1024))
            let framed = chunked ? Data(String(piece.count, radix: 16).utf8) + Data("\r\n".utf8) + piece + Data("\r\n".utf8) : piece
            guard send(connection, framed) else { return false }
            offset += piece.count
            if let delay = delayPerChunk { Thread.sleep(forTimeInterval: delay) }
        }
        if dropAfter != nil { return false }
        if chunked { return send(connection, Data("0\r\n\r\n".utf8)) }
        // A body shorter or longer than the promised length leaves the stream unusable.
        return contentLength == nil
    }

    private func send(_ connection: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Foundation.send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 206: "Partial Content"
        case 301, 302: "Found"
        case 404: "Not Found"
        case 416: "Range Not Satisfiable"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
