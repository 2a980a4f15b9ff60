import Synchronization

/// How this process's jobs ended, by result (`archived`, `released`, `retry`, …), for the line
/// `serve` logs when it stops: what it finished and what it gave back.
final class JobTally: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    private let stopping = Atomic<Bool>(false)

    /// A graceful shutdown began: the workers' end is then worth a line. (Workers cancelled
    /// because the server could not start have nothing to report.)
    func shutdownBegan() {
        stopping.store(true, ordering: .relaxed)
    }

    var shuttingDown: Bool { stopping.load(ordering: .relaxed) }

    func add(_ result: String) {
        counts.withLock { $0[result, default: 0] += 1 }
    }

    /// `2 archived, 1 given back to the queue`, in a fixed order; `no job` when none ended.
    var summary: String {
        let counts = counts.withLock { $0 }
        let names = [
            ("archived", "archived"), ("kept", "kept as archived"), ("failed", "failed"), ("retry", "to be retried"),
            ("released", "given back to the queue"), ("no_space", "waiting for space"), ("lease_lost", "lost to another worker"),
        ]
        let parts = names.compactMap { key, words in counts[key].map { "\($0) \(words)" } }
        return parts.isEmpty ? "no job" : parts.joined(separator: ", ")
    }
}
