import Synchronization

/// Wakes the workers waiting for jobs: rung when a callback queues one, and by a timer so that
/// jobs queued by other processes, or due for a retry, are found too.
final class Doorbell: Sendable {
    private let listeners = Mutex<[AsyncStream<Void>.Continuation]>([])
    private let closed = Atomic(false)

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// A stream that yields after each ring (several rings while busy count as one).
    func listen() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        listeners.withLock { $0.append(continuation) }
        return stream
    }

    func ring() {
        for listener in listeners.withLock({ $0 }) { listener.yield() }
    }

    /// Ends every stream: the workers stop waiting for new jobs.
    func close() {
        closed.store(true, ordering: .releasing)
        for listener in listeners.withLock({ $0 }) { listener.finish() }
    }
}
