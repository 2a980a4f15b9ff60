import CCurl
import DarkroomCore
import Foundation

/// Downloads URLs to files with libcurl, many at once, streaming each body to disk and hashing
/// it on the way.
///
/// The file appears at its destination only when it is complete: the body goes to a temporary
/// file in the same folder, which is synced and renamed on success and removed on any failure
/// or cancellation. Only http and https are fetched, redirects included.
public final class Fetcher: Sendable {
    public let options: FetchOptions
    private let loop = TransferLoop()

    public init(options: FetchOptions = FetchOptions()) {
        self.options = options
    }

    /// Downloads `url` to the file `destination`, replacing it if it exists.
    public func fetch(
        _ url: URL, to destination: String,
        progress: (@Sendable (FetchProgress) -> Void)? = nil
    ) async throws(FetchError) -> FetchResult {
        let shown = url.redacted
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw FetchError(url: shown, cause: .badURL("only http and https URLs are fetched"))
        }

        let sink: FileSink
        let transfer: Transfer
        do throws(FetchError.Cause) {
            sink = try FileSink(destination: destination)
            let easy = try configuredHandle(for: url)
            do {
                transfer = try Transfer(easy: easy, sink: sink, progress: progress)
            } catch {
                throw FetchError.Cause.badURL("libcurl refused option \(error.option.rawValue) (\(curlErrorText(error.code)))")
            }
        } catch {
            throw FetchError(url: shown, cause: error)
        }

        let code = await loop.run(transfer)
        let status = transfer.easy.info(CURLINFO_RESPONSE_CODE) as Int
        do throws(FetchError.Cause) {
            try check(code, status: status, transfer: transfer)
            let sha256 = try sink.commit()
            let finalURL = (transfer.easy.info(CURLINFO_EFFECTIVE_URL) as String?).flatMap(URL.init(string:))
            return FetchResult(
                url: shown,
                finalURL: finalURL?.redacted ?? shown,
                path: destination,
                bytes: sink.bytesWritten,
                sha256: sha256,
                httpStatus: status,
                contentType: transfer.easy.info(CURLINFO_CONTENT_TYPE),
                etag: transfer.easy.responseHeader("ETag"),
                lastModified: transfer.easy.responseHeader("Last-Modified")
            )
        } catch {
            sink.discard()
            throw FetchError(url: shown, cause: error)
        }
    }

    private func configuredHandle(for url: URL) throws(FetchError.Cause) -> CurlEasy {
        let easy = CurlEasy()
        do {
            try easy.set(CURLOPT_URL, url.absoluteString)
            try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            try easy.set(CURLOPT_FOLLOWLOCATION, 1)
            try easy.set(CURLOPT_MAXREDIRS, options.maxRedirects)
            try easy.set(CURLOPT_CONNECTTIMEOUT, options.connectTimeout)
            try easy.set(CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedBytesPerSecond)
            try easy.set(CURLOPT_LOW_SPEED_TIME, options.lowSpeedSeconds)
            try easy.set(CURLOPT_USERAGENT, options.userAgent)
            // Signals are not ours to take in a server process; libcurl resolves on a thread.
            try easy.set(CURLOPT_NOSIGNAL, 1)
        } catch {
            throw .badURL("libcurl refused option \(error.option.rawValue) (\(curlErrorText(error.code)))")
        }
        return easy
    }

    private func check(_ code: CURLcode, status: Int, transfer: Transfer) throws(FetchError.Cause) {
        if transfer.cancelled.load(ordering: .relaxed) { throw .cancelled }
        if code == CURLE_WRITE_ERROR, transfer.sink.writeErrno != 0 {
            throw .destination("cannot write \(transfer.sink.temporaryPath): \(String(cString: strerror(transfer.sink.writeErrno)))")
        }
        guard code == CURLE_OK else {
            throw .transport(code: Int(code.rawValue), message: curlErrorText(code))
        }
        guard (200..<300).contains(status) else { throw .httpStatus(status) }
    }
}
