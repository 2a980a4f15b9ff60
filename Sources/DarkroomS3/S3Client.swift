import Crypto
import DarkroomCore
import DarkroomFetch
import Foundation

/// The operations Darkroom needs of an S3-compatible store, over libcurl: PUT (with
/// `x-amz-checksum-sha256`, so the store checks every byte against the hash the index records;
/// in parts for large files), GET of a byte range, HEAD, DELETE and ListObjectsV2. Every request
/// is retried on transport faults, 5xx, 429 and `SlowDown` with backoff and jitter (`retry`);
/// any other refusal is permanent and says which bucket and key it concerned.
public struct S3Client: Sendable {
    public let bucket: S3Bucket
    public let credentials: S3Credentials
    public var retry: RetryPolicy
    /// Files at least this large go up as a multipart upload of `partSize` parts, `partConcurrency` at once.
    public var multipartThreshold: Int64 = 64 << 20
    public var partSize: Int64 = 16 << 20
    public var partConcurrency = 4

    public init(bucket: S3Bucket, credentials: S3Credentials,
                retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(250), maxDelay: .seconds(8))) {
        self.bucket = bucket
        self.credentials = credentials
        self.retry = retry
    }

    /// Uploads `data` to `key` (relative to the prefix).
    public func put(_ data: Data, key: String, contentType: String) async throws(S3Error) {
        let checksum = Data(SHA256.hash(data: data)).base64EncodedString()
        _ = try await send("PUT", key: key, headers: ["Content-Type: \(contentType)", "x-amz-checksum-sha256: \(checksum)"],
                           body: .bytes(data))
    }

    /// Uploads the file at `file`, `bytes` long with SHA-256 `sha256` (hex), to `key`; in parts
    /// from `multipartThreshold` on.
    public func upload(file: URL, bytes: Int64, sha256: String, key: String, contentType: String) async throws(S3Error) {
        if bytes >= multipartThreshold {
            try await uploadInParts(file: file, bytes: bytes, key: key, contentType: contentType)
            return
        }
        guard let checksum = Self.base64(hex: sha256) else {
            throw S3Error(kind: .refused, request: describe("PUT", key), status: nil, code: nil, message: "\(sha256) is not a SHA-256 in hex")
        }
        _ = try await send("PUT", key: key, headers: ["Content-Type: \(contentType)", "x-amz-checksum-sha256: \(checksum)"],
                           body: .file(path: file.path, offset: 0, length: bytes))
    }

    /// The bytes of `key` in `range` (the whole object when nil), at most `limit` of them.
    public func get(key: String, range: ClosedRange<Int64>? = nil, limit: Int = 16 << 20) async throws(S3Error) -> Data {
        let headers = range.map { ["Range: bytes=\($0.lowerBound)-\($0.upperBound)"] } ?? []
        return try await send("GET", key: key, headers: headers, answerLimit: limit).body
    }

    /// Reads the `bytes` bytes of `key` a `window` at a time, handing each to `body` in order:
    /// memory stays at one window whatever the object's size. Throws `S3Error`, or what `body` throws.
    public func read(key: String, bytes: Int64, window: Int = 8 << 20, _ body: (Data) throws -> Void) async throws {
        var offset: Int64 = 0
        while offset < bytes {
            let end = min(bytes, offset + Int64(window)) - 1
            let part = try await get(key: key, range: offset...end, limit: window)
            guard Int64(part.count) == end - offset + 1 else {
                throw S3Error(kind: .refused, request: describe("GET", key), status: nil, code: nil,
                              message: "asked for bytes \(offset)-\(end), received \(part.count); the object is shorter than \(bytes) bytes")
            }
            try body(part)
            offset = end + 1
        }
    }

    /// The object's size, or nil when there is no such object.
    public func head(key: String) async throws(S3Error) -> Int64? {
        do {
            return try await send("HEAD", key: key).length
        } catch where error.kind == .notFound {
            return nil
        }
    }

    /// Deletes `key`; deleting what is not there succeeds, as S3 answers.
    public func delete(key: String) async throws(S3Error) {
        _ = try await send("DELETE", key: key)
    }

    /// Every object whose key (relative to the bucket's prefix) starts with `prefix`, following
    /// continuation tokens to the end.
    public func list(prefix: String = "") async throws(S3Error) -> [S3Object] {
        var objects: [S3Object] = []
        var token: String?
        let full = bucket.key(prefix)
        repeat {
            var query = [("list-type", "2"), ("prefix", full)]
            if let token { query.append(("continuation-token", token)) }
            let answer = try await send("GET", key: nil, query: query, answerLimit: 16 << 20, shown: "LIST \(bucket)/\(prefix)")
            let xml = Substring(decoding: answer.body, as: UTF8.self)
            for entry in S3XML.elements("Contents", in: xml) {
                guard let key = S3XML.value("Key", in: entry), let relative = bucket.relative(key) else { continue }
                let size = S3XML.value("Size", in: entry).flatMap { Int64($0) }.map { max(0, $0) } ?? 0
                objects.append(S3Object(key: relative, size: size, lastModified: S3XML.value("LastModified", in: entry).flatMap(S3Object.date)))
            }
            token = S3XML.value("IsTruncated", in: xml) == "true" ? S3XML.value("NextContinuationToken", in: xml) : nil
        } while token != nil
        return objects
    }

    // MARK: One request, with retries

    struct Reply: Sendable {
        var body: Data
        var etag: String?
        var length: Int64?
    }

    /// Sends one request to the object `key` (relative to the prefix; nil for the bucket
    /// itself), trying again while the failure is transient.
    func send(
        _ method: String, key: String?, query: [(String, String)] = [], headers: [String] = [], body: S3Exchange.Body = .none,
        answerLimit: Int = 1 << 20, shown: String? = nil
    ) async throws(S3Error) -> Reply {
        let url = bucket.url(key: key.map(bucket.key) ?? "", query: query)
        let request = shown ?? describe(method, key ?? "")
        var attempt = 0
        while true {
            attempt += 1
            let exchange: S3Exchange
            do {
                exchange = try S3Exchange(method: method, url: url, headers: headers, body: body, credentials: credentials,
                                          region: bucket.region, answerLimit: answerLimit)
            } catch {
                throw S3Error(kind: .refused, request: request, status: nil, code: nil, message: "libcurl refused option \(error.option.rawValue) (code \(error.code.rawValue))")
            }
            let answer = await withTaskCancellationHandler {
                await OwnThread.run(name: "s3") { exchange.perform() }
            } onCancel: {
                exchange.cancelled.store(true, ordering: .relaxed)
            }
            guard let failure = Self.failure(of: answer, request: request) else {
                return Reply(body: answer.body, etag: answer.etag, length: answer.length)
            }
            guard failure.isTransient, attempt < retry.maxAttempts, !Task.isCancelled else { throw failure }
            try? await Task.sleep(for: retry.delay(after: attempt))
        }
    }

    /// What went wrong in `answer`, or nil for a success.
    static func failure(of answer: S3Exchange.Answer, request: String) -> S3Error? {
        switch answer.failure {
        case .transport(let reason): return S3Error(kind: .transient, request: request, status: nil, code: nil, message: reason)
        case .local(let reason): return S3Error(kind: .refused, request: request, status: nil, code: nil, message: reason)
        case .cancelled: return S3Error(kind: .cancelled, request: request, status: nil, code: nil, message: "cancelled")
        case nil: break
        }
        guard !(200..<300).contains(answer.status) else { return nil }
        let xml = Substring(decoding: answer.body.prefix(64 << 10), as: UTF8.self)
        let code = S3XML.value("Code", in: xml)
        let message = S3XML.value("Message", in: xml) ?? "HTTP \(answer.status)"
        let kind: S3Error.Kind = switch (answer.status, code) {
        case (_, "SlowDown"?), (_, "RequestTimeout"?), (_, "InternalError"?), (_, "ServiceUnavailable"?): .transient
        case (500..., _), (429, _), (408, _): .transient
        case (403, _): .denied
        case (_, "NoSuchBucket"?): .noSuchBucket
        case (404, _): .notFound
        case (_, "BadDigest"?), (_, "InvalidDigest"?), (_, "XAmzContentChecksumMismatch"?), (_, "XAmzContentSHA256Mismatch"?): .badDigest
        default: .refused
        }
        return S3Error(kind: kind, request: request, status: answer.status, code: code, message: message)
    }

    func describe(_ method: String, _ key: String) -> String {
        "\(method) s3://\(bucket.name)/\(bucket.key(key))"
    }

    static func base64(hex: String) -> String? {
        guard hex.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return Data(bytes).base64EncodedString()
    }
}
