import CCurl
import Foundation
import Synchronization

/// One attempt at a download in flight: its easy handle, the sink its body streams into, and
/// the continuation to resume when libcurl is done with it.
///
/// On the first byte of a body it decides what the body is: the continuation of the partial file
/// (a 206 that matches), the whole file afresh (a 200, even to a Range request), or an error page
/// to throw away (>= 300). It enforces the size limit and the address policy from libcurl's
/// callbacks, and leaves why it stopped in `abortCause`.
///
/// `@unchecked Sendable` because it is handed once to the transfer loop's thread, which alone
/// touches it until it calls `finish`; the awaiting task reads it only after that. `cancelled`
/// is atomic, as both sides use it.
final class Transfer: @unchecked Sendable {
    let easy: CurlEasy
    let sink: FileSink
    let cancelled = Atomic<Bool>(false)
    var continuation: CheckedContinuation<CURLcode, Never>?

    /// Why a callback stopped the transfer, when one did.
    private(set) var abortCause: FetchError.Cause?
    /// The validators of the response whose body is in the sink.
    private(set) var validators: ResumeValidators
    /// Bytes the whole file has, when the response said.
    private(set) var expectedTotal: Int64?
    /// Why an address was refused, if one was; the connection may still succeed by another.
    private(set) var refusedAddress: String?

    private enum BodyMode { case undecided, append, discard }
    private var mode = BodyMode.undecided
    /// The byte this attempt's Range asked to start from; 0 when it asked for the whole file.
    private let resumeOffset: Int64
    /// Bytes before the body this response carries: `resumeOffset` for a matching 206, else 0.
    private var bodyOffset: Int64 = 0
    private let maxBytes: Int64
    private let budget: DownloadBudget?
    private let addressPolicy: AddressPolicy
    private let progress: (@Sendable (FetchProgress) -> Void)?

    /// `validators` are those of the partial file in `sink`; `resumeOffset` is where the
    /// request's Range starts (0 for none).
    init(
        easy: CurlEasy, sink: FileSink, validators: ResumeValidators, resumeOffset: Int64, maxBytes: Int64,
        budget: DownloadBudget?, addressPolicy: AddressPolicy, progress: (@Sendable (FetchProgress) -> Void)?
    ) throws(CurlOptionError) {
        self.easy = easy
        self.sink = sink
        self.validators = validators
        self.resumeOffset = resumeOffset
        self.maxBytes = maxBytes
        self.budget = budget
        self.addressPolicy = addressPolicy
        self.progress = progress
        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEFUNCTION, transferWriteCallback)
        try easy.set(CURLOPT_WRITEDATA, context)
        try easy.setProgress(transferProgressCallback)
        try easy.set(CURLOPT_XFERINFODATA, context)
        // The progress callback is also where a cancelled transfer stops, so it always runs.
        try easy.set(CURLOPT_NOPROGRESS, 0)
        try easy.setOpenSocket(transferOpenSocketCallback)
        try easy.set(CURLOPT_OPENSOCKETDATA, context)
    }

    func finish(_ result: CURLcode) {
        continuation?.resume(returning: result)
        continuation = nil
    }

    fileprivate func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        if cancelled.load(ordering: .relaxed) { return 0 }
        if mode == .undecided, let cause = decideBody() {
            abortCause = cause
            return 0
        }
        if mode == .discard { return bytes.count }
        let total = sink.bytesWritten + Int64(bytes.count)
        guard total <= maxBytes else {
            abortCause = .tooLarge(limit: maxBytes)
            return 0
        }
        if let cause = budget?.written(sink.destination, bytes: total) {
            abortCause = cause
            return 0
        }
        return sink.write(bytes) ? bytes.count : 0
    }

    /// Chooses the body's mode from the response's status and headers; a cause when the body
    /// must not be taken at all.
    private func decideBody() -> FetchError.Cause? {
        let status: Int = easy.info(CURLINFO_RESPONSE_CODE)
        guard (200..<300).contains(status) else {
            mode = .discard
            return nil
        }
        let answered = ResumeValidators(etag: easy.responseHeader("ETag"), lastModified: easy.responseHeader("Last-Modified"))
        if status == 206 {
            guard resumeOffset > 0,
                  let range = easy.responseHeader("Content-Range").flatMap(ContentRange.init),
                  range.start == resumeOffset
            else { return restart(.inconsistentResponse("the server answered with another range than the one asked for")) }
            guard validators.sameVersion(as: answered) else {
                return restart(.inconsistentResponse("the file changed on the server while it was being downloaded"))
            }
            expectedTotal = range.total
            bodyOffset = resumeOffset
        } else {
            // A whole body: the first one, or the server ignored the Range, or If-Range saw a change.
            if sink.bytesWritten > 0, !sink.reset() { return .destination("cannot empty \(sink.temporaryPath)") }
            validators = answered
            let length: Int64 = easy.info(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T)
            expectedTotal = length >= 0 ? length : nil
        }
        if let expectedTotal, expectedTotal > maxBytes { return .tooLarge(limit: maxBytes) }
        if let expectedTotal, let cause = budget?.admit(sink.destination, expected: expectedTotal, written: sink.bytesWritten) {
            return cause
        }
        mode = .append
        return nil
    }

    /// Drops the partial file so the next attempt asks for the whole of it.
    private func restart(_ cause: FetchError.Cause) -> FetchError.Cause {
        _ = sink.reset()
        return cause
    }

    fileprivate func report(total: Int64, received: Int64) -> Int32 {
        progress?(FetchProgress(received: received + bodyOffset, expected: total > 0 ? total + bodyOffset : nil))
        return cancelled.load(ordering: .relaxed) ? 1 : 0
    }

    fileprivate func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        addressPolicy.openSocket(address, refused: &refusedAddress)
    }
}

/// How far a download is; `expected` is nil until the server says how long the body is.
public struct FetchProgress: Sendable, Equatable {
    public var received: Int64
    public var expected: Int64?

    public init(received: Int64, expected: Int64?) {
        self.received = received
        self.expected = expected
    }
}

// The transfer rides in the callbacks' user-data pointer; the loop's `active` table keeps it
// alive for as long as libcurl can call back.
private let transferWriteCallback: darkroom_curl_data_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.receive(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let transferProgressCallback: darkroom_curl_xferinfo_callback = { context, downloadTotal, downloaded, _, _ in
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.report(total: Int64(downloadTotal), received: Int64(downloaded))
}

private let transferOpenSocketCallback: darkroom_curl_opensocket_callback = { context, _, address in
    guard let context, let address else { return CURL_SOCKET_BAD }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.openSocket(address)
}
