import Foundation

/// A thread of its own for blocking media work (decoding, encoding), kept off Swift's
/// cooperative pool, that can be waited for.
final class WorkerThread: Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [done] in
            body()
            done.signal()
        }
        thread.name = name
        // As much stack as a main thread gets: codecs are written for that, and a secondary
        // thread's default can be smaller.
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits until the body has returned.
    func join() {
        done.wait()
    }
}
