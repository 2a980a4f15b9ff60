import CCurl
import Crypto
import DarkroomFetch
import Foundation
import Synchronization

/// One HTTP exchange with the store, blocking, signed by libcurl (`CURLOPT_AWS_SIGV4`): the
/// easy handle and the file it uploads from have this one owner. Bodies go up from memory or a
/// region of a file (streamed, so a 64 MiB part costs no memory); answers come back into memory,
/// at most `answerLimit` bytes, which callers keep small by reading in ranges.
///
/// `@unchecked Sendable`: made by a task, handed to one thread that alone touches it until
/// `perform` returns; only `cancelled` is shared, and it is atomic.
final class S3Exchange: @unchecked Sendable {
    enum Body: Sendable {
        case none
        case bytes(Data)
        case file(path: String, offset: Int64, length: Int64)
    }

    struct Answer: Sendable {
        var status: Int
        var body: Data
        var etag: String?
        /// The answer's Content-Length, when it gave one (a HEAD's is the object's size).
        var length: Int64?
        /// Why the exchange did not complete, when it did not.
        var failure: Failure?
    }

    enum Failure: Sendable, Equatable {
        /// libcurl's reason: the connection, a time-out, the peer hung up. Worth a retry.
        case transport(String)
        /// Not worth a retry: the file to send cannot be read, the answer is longer than asked.
        case local(String)
        case cancelled
    }

    let cancelled = Atomic<Bool>(false)
    private let easy = CurlEasy()
    private let body: Body
    private let answerLimit: Int
    private var received = Data()
    private var overflow = false
    private var descriptor: Int32 = -1
    private var sent = 0
    private var remaining: Int64 = 0

    init(method: String, url: URL, headers: [String], body: Body, credentials: S3Credentials, region: String, answerLimit: Int) throws(CurlOptionError) {
        self.body = body
        self.answerLimit = answerLimit
        try easy.set(CURLOPT_URL, url.absoluteString)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_CONNECTTIMEOUT, 10)
        // A stalled exchange (under a byte a second for a minute) is a transport fault; a large
        // part on a slow link may take as long as it needs otherwise.
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try easy.set(CURLOPT_LOW_SPEED_TIME, 60)
        try easy.set(CURLOPT_AWS_SIGV4, "aws:amz:\(region):s3")
        try easy.set(CURLOPT_USERPWD, "\(credentials.accessKey):\(credentials.secretKey)")
        var headers = headers
        if method == "POST", case .bytes(let data) = body {
            // libcurl 7.88 signs a POST body's hash without sending it as x-amz-content-sha256,
            // and stores then refuse the signature; sent explicitly, it is signed and checked.
            headers.append("x-amz-content-sha256: " + SHA256.hash(data: data).hexString)
        }
        if let token = credentials.sessionToken { headers.append("x-amz-security-token: \(token)") }
        try easy.setHeaders(headers)
        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEFUNCTION, s3WriteCallback)
        try easy.set(CURLOPT_WRITEDATA, context)
        try easy.setProgress(s3ProgressCallback)
        try easy.set(CURLOPT_XFERINFODATA, context)
        try easy.set(CURLOPT_NOPROGRESS, 0)
        switch method {
        case "GET": break
        case "HEAD": try easy.set(CURLOPT_NOBODY, 1)
        case "PUT":
            try easy.set(CURLOPT_UPLOAD, 1)
            try easy.set(CURLOPT_READFUNCTION, s3ReadCallback)
            try easy.set(CURLOPT_READDATA, context)
            let length: Int64 = switch body {
            case .none: 0
            case .bytes(let data): Int64(data.count)
            case .file(_, _, let length): length
            }
            try easy.set(CURLOPT_INFILESIZE_LARGE, length)
        case "POST":
            guard case .bytes(let data) = body else { preconditionFailure("a POST to S3 sends its body from memory") }
            try easy.set(CURLOPT_POST, 1)
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, Int64(data.count))
            if data.isEmpty {
                try easy.set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                let easy = self.easy
                try data.withUnsafeBytes { bytes in
                    Result { () throws(CurlOptionError) in try easy.set(CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!)) }
                }.get()
            }
        default: try easy.set(CURLOPT_CUSTOMREQUEST, method)
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Runs the exchange to its end on the calling thread.
    func perform() -> Answer {
        if case .file(let path, let offset, let length) = body {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0, lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
                return Answer(status: 0, body: Data(), failure: .local("cannot read \(path): \(String(cString: strerror(errno)))"))
            }
            remaining = length
        }
        let code = curl_easy_perform(easy.handle)
        let status: Int = easy.info(CURLINFO_RESPONSE_CODE)
        if overflow {
            return Answer(status: status, body: Data(), failure: .local("the answer is longer than the \(answerLimit) bytes asked for"))
        }
        guard code == CURLE_OK else {
            let detail = easy.errorDetail.map { ": \($0)" } ?? ""
            return Answer(status: status, body: received, failure: cancelled.load(ordering: .relaxed) ? .cancelled : .transport(curlErrorText(code) + detail))
        }
        let length: Int64 = easy.info(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T)
        return Answer(status: status, body: received, etag: easy.responseHeader("ETag"), length: length >= 0 ? length : nil)
    }

    fileprivate func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard received.count + bytes.count <= answerLimit else {
            overflow = true
            return 0
        }
        received.append(contentsOf: bytes)
        return bytes.count
    }

    fileprivate func send(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch body {
        case .none:
            return 0
        case .bytes(let data):
            let count = min(buffer.count, data.count - sent)
            data.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + sent, byteCount: count)
            }
            sent += count
            return count
        case .file:
            let wanted = Int(min(Int64(buffer.count), remaining))
            guard wanted > 0 else { return 0 }
            let count = read(descriptor, buffer.baseAddress, wanted)
            // A file that shrank under us: abort rather than send a short body.
            guard count > 0 else { return Int(CURL_READFUNC_ABORT) }
            remaining -= Int64(count)
            return count
        }
    }
}

private let s3WriteCallback: darkroom_curl_data_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let exchange = Unmanaged<S3Exchange>.fromOpaque(context).takeUnretainedValue()
    return exchange.receive(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let s3ReadCallback: darkroom_curl_data_callback = { data, size, count, context in
    guard let data, let context else { return Int(CURL_READFUNC_ABORT) }
    let exchange = Unmanaged<S3Exchange>.fromOpaque(context).takeUnretainedValue()
    return exchange.send(into: UnsafeMutableRawBufferPointer(start: data, count: size * count))
}

private let s3ProgressCallback: darkroom_curl_xferinfo_callback = { context, _, _, _, _ in
    guard let context else { return 0 }
    return Unmanaged<S3Exchange>.fromOpaque(context).takeUnretainedValue().cancelled.load(ordering: .relaxed) ? 1 : 0
}
