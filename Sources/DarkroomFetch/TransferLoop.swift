import CCurl
import Foundation
import Synchronization

/// Runs many libcurl transfers at once on one thread of its own, driving a `curl_multi` handle,
/// so no transfer ever blocks Swift's cooperative pool.
///
/// `run(_:)` hands a configured transfer to the loop and suspends until libcurl finishes it;
/// cancelling the awaiting task removes the transfer from the multi handle at once. The multi
/// handle is touched only by the loop's thread; other threads talk to it through `inbox` and
/// `curl_multi_wakeup`, which libcurl makes safe to call from any thread.
final class TransferLoop: Sendable {
    private struct Inbox {
        var added: [Transfer] = []
        var cancelled: [Transfer] = []
        var stopping = false
    }

    /// What the loop's thread and the callers share; the thread keeps it alive until it ends.
    private final class Shared: Sendable {
        let multi = MultiHandle()
        let inbox = Mutex(Inbox())

        func post(_ change: (inout Inbox) -> Void) {
            inbox.withLock { change(&$0) }
            curl_multi_wakeup(multi.handle)
        }
    }

    private let shared = Shared()

    init() {
        let shared = shared
        let thread = Thread { Self.loop(shared) }
        thread.name = "darkroom-curl"
        thread.start()
    }

    deinit {
        shared.post { $0.stopping = true }
    }

    /// Performs `transfer` and returns libcurl's result for it.
    func run(_ transfer: Transfer) async -> CURLcode {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.continuation = continuation
                shared.post { $0.added.append(transfer) }
            }
        } onCancel: {
            transfer.cancelled.store(true, ordering: .relaxed)
            shared.post { $0.cancelled.append(transfer) }
        }
    }

    private static func loop(_ shared: Shared) {
        let multi = shared.multi
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            let (added, cancelled, stopping) = shared.inbox.withLock { box in
                defer { box.added = []; box.cancelled = [] }
                return (box.added, box.cancelled, box.stopping)
            }
            for transfer in added {
                if transfer.cancelled.load(ordering: .relaxed) {
                    transfer.finish(CURLE_ABORTED_BY_CALLBACK)
                } else {
                    curl_multi_add_handle(multi.handle, transfer.easy.handle)
                    active[transfer.easy.handle] = transfer
                }
            }
            for transfer in cancelled {
                guard let found = active.removeValue(forKey: transfer.easy.handle) else { continue }
                curl_multi_remove_handle(multi.handle, found.easy.handle)
                found.finish(CURLE_ABORTED_BY_CALLBACK)
            }
            if stopping {
                for transfer in active.values {
                    curl_multi_remove_handle(multi.handle, transfer.easy.handle)
                    transfer.finish(CURLE_ABORTED_BY_CALLBACK)
                }
                return
            }

            var running: Int32 = 0
            curl_multi_perform(multi.handle, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi.handle, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let transfer = active.removeValue(forKey: easy)
                else { continue }
                let result = darkroom_multi_message_result(message)
                curl_multi_remove_handle(multi.handle, easy)
                transfer.finish(result)
            }
            // Wakes on socket activity, on curl_multi_wakeup, or after libcurl's own timeout.
            curl_multi_poll(multi.handle, nil, 0, 1000, nil)
        }
    }
}

/// The loop's `CURLM`, cleaned up when the last reference (the loop's thread) lets go.
private final class MultiHandle: @unchecked Sendable {
    // Sendable because only `curl_multi_wakeup` is called off the loop's thread, which libcurl
    // documents as thread-safe; everything else happens on the loop's thread.
    let handle: UnsafeMutableRawPointer

    init() {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.handle = handle
    }

    deinit {
        curl_multi_cleanup(handle)
    }
}
