import CCurl
import DarkroomCore
import Foundation

/// Downloads URLs to files with libcurl, many at once, streaming each body to disk and hashing
/// it on the way, and trying again until the file is whole or the failure is for good.
///
/// The file appears at its destination only when it is complete: the body goes to a temporary
/// file in the same folder, which is synced and renamed on success and removed on any failure
/// or cancellation. A transient failure is retried by `options.retry`; a broken transfer is
/// resumed with `Range` and `If-Range` when the server supports it and the file has not changed,
/// and started over otherwise. The SHA-256 always covers the whole file.
public final class Fetcher: Sendable {
    public let options: FetchOptions
    private let loop = TransferLoop()

    public init(options: FetchOptions = FetchOptions()) {
        self.options = options
    }

    /// Downloads `url` to the file `destination`, replacing it if it exists. `budget`, when
    /// given, is shared by the downloads of one task (see `DownloadBudget`).
    public func fetch(
        _ url: URL, to destination: String, budget: DownloadBudget? = nil,
        progress: (@Sendable (FetchProgress) -> Void)? = nil
    ) async throws(FetchError) -> FetchResult {
        do {
            return try await attempts(url, to: destination, budget: budget, progress: progress)
        } catch {
            // The partial file is gone, so its bytes no longer count against the task.
            budget?.release(destination)
            throw error
        }
    }

    private func attempts(
        _ url: URL, to destination: String, budget: DownloadBudget?, progress: (@Sendable (FetchProgress) -> Void)?
    ) async throws(FetchError) -> FetchResult {
        let shown = url.redacted
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw FetchError(url: shown, cause: .badURL("only http and https URLs are fetched"))
        }
        let sink: FileSink
        do {
            sink = try FileSink(destination: destination)
        } catch {
            throw FetchError(url: shown, cause: error)
        }

        var validators = ResumeValidators()
        var attempt = 1
        let deadline = ContinuousClock.now + .seconds(options.deadline)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                sink.discard()
                throw FetchError(url: shown, cause: .deadline(options.deadline), attempts: attempt - 1)
            }
            let outcome = await perform(url, into: sink, validators: validators, timeout: left, budget: budget, progress: progress)
            switch outcome {
            case .success(let response):
                do throws(FetchError.Cause) {
                    let sha256 = try sink.commit()
                    return FetchResult(
                        url: shown, finalURL: response.finalURL ?? shown, path: destination, bytes: sink.bytesWritten,
                        sha256: sha256, httpStatus: response.status, httpVersion: response.httpVersion, contentType: response.contentType,
                        etag: response.validators.etag, lastModified: response.validators.lastModified, attempts: attempt
                    )
                } catch {
                    sink.discard()
                    throw FetchError(url: shown, cause: error, attempts: attempt)
                }
            case .failure(let failure):
                validators = failure.validators
                let error = FetchError(url: shown, cause: failure.cause, attempts: attempt, retryAfter: failure.retryAfter)
                guard error.isTransient, attempt < options.retry.maxAttempts,
                      let wait = waitBeforeRetry(after: attempt, retryAfter: failure.retryAfter), ContinuousClock.now + wait < deadline
                else {
                    sink.discard()
                    throw error
                }
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    sink.discard()
                    throw FetchError(url: shown, cause: .cancelled, attempts: attempt)
                }
                attempt += 1
            }
        }
    }

    /// Nil when the server asks for a longer wait than one fetch will sit through.
    private func waitBeforeRetry(after attempt: Int, retryAfter: Int?) -> Duration? {
        guard let retryAfter else { return options.retry.delay(after: attempt) }
        let asked = Duration.seconds(retryAfter)
        return asked <= options.retry.maxRetryAfter ? asked : nil
    }

    private struct Response {
        var status: Int
        var httpVersion: String
        var finalURL: String?
        var contentType: String?
        var validators: ResumeValidators
    }

    private struct Failure: Error {
        var cause: FetchError.Cause
        var retryAfter: Int?
        /// The validators of what the sink holds now, for the next attempt's resume.
        var validators: ResumeValidators
    }

    /// One attempt: a request (a Range request when the sink holds part of a known version),
    /// run on the loop, and its outcome checked.
    private func perform(
        _ url: URL, into sink: FileSink, validators: ResumeValidators, timeout: Duration, budget: DownloadBudget?,
        progress: (@Sendable (FetchProgress) -> Void)?
    ) async -> Result<Response, Failure> {
        let transfer: Transfer
        do {
            let easy = try configuredHandle(for: url)
            try easy.set(CURLOPT_TIMEOUT_MS, max(1, Int(timeout.timeInterval * 1000)))
            var resumeOffset: Int64 = 0
            if sink.bytesWritten > 0 {
                if let ifRange = validators.ifRange {
                    resumeOffset = sink.bytesWritten
                    try easy.set(CURLOPT_RANGE, "\(resumeOffset)-")
                    try easy.setHeaders(["If-Range: \(ifRange)"])
                } else if !sink.reset() {
                    return .failure(Failure(cause: .destination("cannot empty \(sink.temporaryPath)"), validators: validators))
                }
            }
            transfer = try Transfer(
                easy: easy, sink: sink, validators: validators, resumeOffset: resumeOffset, maxBytes: options.maxBytes,
                budget: budget, addressPolicy: options.addressPolicy, progress: progress
            )
        } catch {
            let cause = FetchError.Cause.badURL("libcurl refused option \(error.option.rawValue) (\(curlErrorText(error.code)))")
            return .failure(Failure(cause: cause, validators: validators))
        }

        let code = await loop.run(transfer)
        let easy = transfer.easy
        let status: Int = easy.info(CURLINFO_RESPONSE_CODE)
        let retryAfter: Int64 = easy.info(CURLINFO_RETRY_AFTER)
        var failure = Failure(cause: .cancelled, retryAfter: retryAfter > 0 ? Int(retryAfter) : nil, validators: transfer.validators)

        if transfer.cancelled.load(ordering: .relaxed) {
            return .failure(failure)
        }
        if let cause = transfer.abortCause {
            failure.cause = cause
            return .failure(failure)
        }
        if code == CURLE_WRITE_ERROR, sink.writeErrno != 0 {
            failure.cause = .destination("cannot write \(sink.temporaryPath): \(String(cString: strerror(sink.writeErrno)))")
            return .failure(failure)
        }
        if code == CURLE_COULDNT_CONNECT, let refused = transfer.refusedAddress {
            failure.cause = .refusedAddress(refused)
            return .failure(failure)
        }
        if code == CURLE_FILESIZE_EXCEEDED {
            failure.cause = .tooLarge(limit: options.maxBytes)
            return .failure(failure)
        }
        if code == CURLE_OPERATION_TIMEDOUT, deadlinePassed(timeout: timeout, transfer: transfer) {
            failure.cause = .deadline(options.deadline)
            return .failure(failure)
        }
        if code == CURLE_UNSUPPORTED_PROTOCOL, url.scheme?.lowercased() == "https" {
            failure.cause = .refusedAddress("a redirect from https to another scheme (http) is not followed")
            return .failure(failure)
        }
        guard code == CURLE_OK else {
            failure.cause = .transport(code: Int(code.rawValue), message: transportMessage(code, easy: easy))
            return .failure(failure)
        }
        guard (200..<300).contains(status) else {
            failure.cause = .httpStatus(status)
            return .failure(failure)
        }
        if let total = transfer.expectedTotal, total != sink.bytesWritten {
            failure.cause = .inconsistentResponse("the body ended at \(sink.bytesWritten) of \(total) bytes")
            return .failure(failure)
        }
        return .success(Response(
            status: status,
            httpVersion: Self.httpVersion(easy.info(CURLINFO_HTTP_VERSION)),
            finalURL: (easy.info(CURLINFO_EFFECTIVE_URL) as String?).flatMap(URL.init(string:))?.redacted,
            contentType: easy.info(CURLINFO_CONTENT_TYPE),
            validators: transfer.validators
        ))
    }

    /// CURLINFO_HTTP_VERSION's value as people write it.
    private static func httpVersion(_ version: Int) -> String {
        switch version {
        case CURL_HTTP_VERSION_1_0: "1.0"
        case CURL_HTTP_VERSION_2_0: "2"
        case CURL_HTTP_VERSION_3: "3"
        default: "1.1"
        }
    }

    /// What went wrong in libcurl's words (its error buffer names the certificate problem, the
    /// host name, the TLS alert), with what it means for a download over TLS.
    private func transportMessage(_ code: CURLcode, easy: CurlEasy) -> String {
        let detail = easy.errorDetail ?? curlErrorText(code)
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION:
            return "the server's certificate is not trusted: \(detail)"
                + (options.caBundle.map { " (trusting the CAs of \($0))" } ?? " (trusting the system's CAs; --ca-bundle adds a private CA)")
        case CURLE_SSL_CONNECT_ERROR:
            return "no TLS connection: \(detail) (Darkroom speaks TLS 1.2 and later only)"
        case CURLE_SSL_CACERT_BADFILE:
            return "cannot read the CA bundle \(options.caBundle ?? ""): \(detail)"
        default:
            return detail
        }
    }

    /// Whether a time-out was the fetch's deadline (curl's total time reached what was left of
    /// it) rather than the connect or low-speed one.
    private func deadlinePassed(timeout: Duration, transfer: Transfer) -> Bool {
        let microseconds: Int64 = transfer.easy.info(CURLINFO_TOTAL_TIME_T)
        return Double(microseconds) / 1_000_000 >= timeout.timeInterval - 0.05
    }

    private func configuredHandle(for url: URL) throws(CurlOptionError) -> CurlEasy {
        let easy = CurlEasy()
        try easy.set(CURLOPT_URL, url.absoluteString)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        // Never from https down to http: the bytes would come over a channel anyone can change.
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, url.scheme?.lowercased() == "https" ? "https" : "http,https")
        try easy.set(CURLOPT_FOLLOWLOCATION, 1)
        try easy.set(CURLOPT_MAXREDIRS, options.maxRedirects)
        try easy.set(CURLOPT_CONNECTTIMEOUT, options.connectTimeout)
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedBytesPerSecond)
        try easy.set(CURLOPT_LOW_SPEED_TIME, options.lowSpeedSeconds)
        // Refuses up front when the server announces a larger body; Transfer also counts.
        try easy.set(CURLOPT_MAXFILESIZE_LARGE, options.maxBytes)
        try easy.set(CURLOPT_BUFFERSIZE, 128 * 1024)
        try easy.set(CURLOPT_USERAGENT, options.userAgent)
        // No proxy from the environment: the address policy must judge the server itself.
        try easy.set(CURLOPT_PROXY, "")
        // Signals are not ours to take in a server process; libcurl resolves on a thread.
        try easy.set(CURLOPT_NOSIGNAL, 1)
        // TLS 1.0 and 1.1 are broken and retired (RFC 8996); every CDN speaks 1.2.
        try easy.set(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        try easy.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        if let caBundle = options.caBundle { try easy.set(CURLOPT_CAINFO, caBundle) }
        return easy
    }
}
