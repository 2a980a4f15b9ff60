import CCurl
import DarkroomCore
import Foundation

/// One POST of a notification to the operator's endpoint, over libcurl like every other
/// transfer: no redirect followed (a signed event goes where it was configured to, nowhere
/// else), the answer's body read and dropped, the whole exchange bounded by `timeout`.
public struct WebhookPost: Sendable {
    /// What came back: a status, or why none did.
    public enum Outcome: Sendable, Equatable {
        /// The endpoint answered; `retryAfter` is its `Retry-After` header, as sent.
        case answered(status: Int, retryAfter: String?)
        /// No answer: the connection, a time-out, TLS. libcurl's reason.
        case transportFailed(String)
    }

    public var timeout: Duration
    /// A PEM file of the CAs to trust instead of the system's.
    public var caBundle: String?

    public init(timeout: Duration = .seconds(10), caBundle: String? = nil) {
        self.timeout = timeout
        self.caBundle = caBundle
    }

    public func post(_ body: Data, to url: String, headers: [String]) async -> Outcome {
        let (timeout, caBundle) = (self.timeout, self.caBundle)
        return await OwnThread.run(name: "darkroom-notify") { Self.perform(body, url: url, headers: headers, timeout: timeout, caBundle: caBundle) }
    }

    private static func perform(_ body: Data, url: String, headers: [String], timeout: Duration, caBundle: String?) -> Outcome {
        let easy = CurlEasy()
        do {
            try easy.set(CURLOPT_URL, url)
            try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try easy.set(CURLOPT_NOSIGNAL, 1)
            try easy.set(CURLOPT_TIMEOUT_MS, Int(timeout.timeInterval * 1000))
            try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout.timeInterval, 10) * 1000))
            if let caBundle { try easy.set(CURLOPT_CAINFO, caBundle) }
            try easy.setHeaders(headers + ["Content-Type: application/json", "Expect:"])
            try easy.set(CURLOPT_WRITEFUNCTION, discardAnswer)
            try easy.set(CURLOPT_POST, 1)
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, Int64(body.count))
            if body.isEmpty {
                try easy.set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                try body.withUnsafeBytes { bytes in
                    Result { () throws(CurlOptionError) in try easy.set(CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!)) }
                }.get()
            }
        } catch {
            return .transportFailed("\(error)")
        }
        let code = curl_easy_perform(easy.handle)
        guard code == CURLE_OK else {
            return .transportFailed(curlErrorText(code) + (easy.errorDetail.map { ": \($0)" } ?? ""))
        }
        return .answered(status: easy.info(CURLINFO_RESPONSE_CODE), retryAfter: easy.responseHeader("Retry-After"))
    }
}

private let discardAnswer: darkroom_curl_data_callback = { _, size, count, _ in size * count }
