import CCurl
import Synchronization

/// One download in flight: its easy handle, the sink its body streams into, and the
/// continuation to resume when libcurl is done with it.
///
/// `@unchecked Sendable` because it is handed once to the transfer loop's thread, which alone
/// touches the handle and the sink until it calls `finish`; the awaiting task reads them only
/// after that. `cancelled` is atomic, as both sides read and write it.
final class Transfer: @unchecked Sendable {
    let easy: CurlEasy
    let sink: FileSink
    let cancelled = Atomic<Bool>(false)
    var continuation: CheckedContinuation<CURLcode, Never>?
    private let progress: (@Sendable (FetchProgress) -> Void)?

    init(easy: CurlEasy, sink: FileSink, progress: (@Sendable (FetchProgress) -> Void)?) throws(CurlOptionError) {
        self.easy = easy
        self.sink = sink
        self.progress = progress
        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEFUNCTION, transferWriteCallback)
        try easy.set(CURLOPT_WRITEDATA, context)
        try easy.setProgress(transferProgressCallback)
        try easy.set(CURLOPT_XFERINFODATA, context)
        // The progress callback is also where a cancelled transfer stops, so it always runs.
        try easy.set(CURLOPT_NOPROGRESS, 0)
    }

    func finish(_ result: CURLcode) {
        continuation?.resume(returning: result)
        continuation = nil
    }

    fileprivate func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        if cancelled.load(ordering: .relaxed) { return 0 }
        return sink.write(bytes) ? bytes.count : 0
    }

    fileprivate func report(total: Int64, received: Int64) -> Int32 {
        progress?(FetchProgress(received: received, expected: total > 0 ? total : nil))
        return cancelled.load(ordering: .relaxed) ? 1 : 0
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
