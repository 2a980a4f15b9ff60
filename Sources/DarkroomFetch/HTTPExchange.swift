import CCurl
import DarkroomCore
import Foundation

/// One small HTTP exchange over libcurl, as every transfer of Darkroom's goes: a notification's
/// POST, the task commands' GET of a running server. No redirect is followed; the answer's body
/// is kept up to `answerLimit` bytes (past it the exchange fails, never a truncated document
/// read as whole); the whole exchange is bounded by `timeout`.
public struct HTTPExchange: Sendable {
    /// What came back: a status and its body, or why none did.
    public enum Outcome: Sendable, Equatable {
        /// The server answered; `retryAfter` is the wait its `Retry-After` asked for, in seconds
        /// (libcurl reads both its forms, seconds and an HTTP date), nil when it asked none.
        case answered(status: Int, body: Data, retryAfter: Int64?)
        /// No (whole) answer: the connection, a time-out, TLS, an answer over the limit.
        case transportFailed(String)
    }

    public var timeout: Duration
    /// A PEM file of the CAs to trust instead of the system's.
    public var caBundle: String?
    /// Where the exchange may connect, as the fetcher's downloads (a provider's query API);
    /// nil for addresses Darkroom was told by its operator (notification endpoints, its own
    /// server). Under a policy no proxy is taken from the environment.
    public var addressPolicy: AddressPolicy?

    public init(timeout: Duration = .seconds(10), caBundle: String? = nil, addressPolicy: AddressPolicy? = nil) {
        self.timeout = timeout
        self.caBundle = caBundle
        self.addressPolicy = addressPolicy
    }

    /// `answerLimit`: bytes of the answer kept; nil reads it and drops it.
    public func perform(_ method: String, _ url: String, headers: [String] = [], body: Data? = nil, answerLimit: Int? = nil) async -> Outcome {
        let (timeout, caBundle, policy) = (self.timeout, self.caBundle, self.addressPolicy)
        return await OwnThread.run(name: "darkroom-http") {
            Self.run(method, url, headers: headers, body: body, answerLimit: answerLimit, timeout: timeout, caBundle: caBundle, policy: policy)
        }
    }

    private static func run(
        _ method: String, _ url: String, headers: [String], body: Data?, answerLimit: Int?, timeout: Duration, caBundle: String?, policy: AddressPolicy?
    ) -> Outcome {
        let easy = CurlEasy()
        let answer = ExchangeAnswer(limit: answerLimit, policy: policy)
        let context = Unmanaged.passUnretained(answer).toOpaque()
        do {
            try easy.set(CURLOPT_URL, url)
            try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try easy.set(CURLOPT_NOSIGNAL, 1)
            try easy.set(CURLOPT_TIMEOUT_MS, Int(timeout.timeInterval * 1000))
            try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout.timeInterval, 10) * 1000))
            if let caBundle { try easy.set(CURLOPT_CAINFO, caBundle) }
            if policy != nil {
                try easy.set(CURLOPT_PROXY, "")
                try easy.setOpenSocket(exchangeOpenSocket)
                try easy.set(CURLOPT_OPENSOCKETDATA, context)
            }
            try easy.setHeaders(headers + (body == nil ? [] : ["Content-Type: application/json", "Expect:"]))
            try easy.set(CURLOPT_WRITEFUNCTION, keepAnswer)
            try easy.set(CURLOPT_WRITEDATA, context)
            if let body {
                try easy.set(CURLOPT_POST, 1)
                try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, Int64(body.count))
                if body.isEmpty {
                    try easy.set(CURLOPT_COPYPOSTFIELDS, "")
                } else {
                    try body.withUnsafeBytes { bytes in
                        Result { () throws(CurlOptionError) in try easy.set(CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!)) }
                    }.get()
                }
            }
            if method != (body == nil ? "GET" : "POST") { try easy.set(CURLOPT_CUSTOMREQUEST, method) }
        } catch {
            return .transportFailed("\(error)")
        }
        let code = withExtendedLifetime(answer) { curl_easy_perform(easy.handle) }
        if answer.overflow { return .transportFailed("the answer is longer than the \(answerLimit ?? 0) bytes read") }
        if let refused = answer.refusedAddress { return .transportFailed("refused to connect: \(refused)") }
        guard code == CURLE_OK else {
            return .transportFailed(curlErrorText(code) + (easy.errorDetail.map { ": \($0)" } ?? ""))
        }
        let retryAfter: Int64 = easy.info(CURLINFO_RETRY_AFTER)
        return .answered(status: easy.info(CURLINFO_RESPONSE_CODE), body: answer.data, retryAfter: retryAfter > 0 ? retryAfter : nil)
    }
}

/// The answer's body as it arrives: kept up to `limit` bytes, or dropped when there is none;
/// and the address policy's refusal, if it refused a connection.
private final class ExchangeAnswer {
    let limit: Int?
    let policy: AddressPolicy?
    var data = Data()
    var overflow = false
    var refusedAddress: String?

    init(limit: Int?, policy: AddressPolicy?) {
        self.limit = limit
        self.policy = policy
    }

    /// How many bytes were taken: fewer than given stops the transfer.
    func take(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let limit else { return bytes.count }
        guard data.count + bytes.count <= limit else {
            overflow = true
            return 0
        }
        data.append(contentsOf: bytes)
        return bytes.count
    }
}

private let keepAnswer: darkroom_curl_data_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    return Unmanaged<ExchangeAnswer>.fromOpaque(context).takeUnretainedValue().take(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let exchangeOpenSocket: darkroom_curl_opensocket_callback = { context, _, address in
    guard let context, let address else { return CURL_SOCKET_BAD }
    let answer = Unmanaged<ExchangeAnswer>.fromOpaque(context).takeUnretainedValue()
    guard let policy = answer.policy else { return CURL_SOCKET_BAD }
    return policy.openSocket(address, refused: &answer.refusedAddress)
}
