import DarkroomCore
import Foundation
import Synchronization

/// Stores callbacks in as few transactions as the disk allows: while one transaction commits
/// (and waits for its fsync), the callbacks that arrive queue up, and the next transaction
/// takes all of them. Each caller is answered only after the transaction holding its callback
/// has committed, so "answered" still means "on disk"; a lone callback is committed at once,
/// with no waiting for company.
///
/// A batch is one transaction: if anything in it fails (a full disk, a lock held past the
/// time-out), none of its callbacks is stored and every caller gets the error, so that each
/// sender retries. (Storing a callback has no failure of its own to isolate: no constraint can
/// refuse it.)
final class GroupCommit: Sendable {
    typealias Stored = (task: TaskRecord, outcome: CallbackPolicy.Outcome)
    /// Stores a batch in one transaction, answering for each callback in order.
    typealias Writer = @Sendable ([ReceivedCallback]) async throws(StoreError) -> [Stored]

    private typealias Answer = CheckedContinuation<Result, Never>

    private enum Result: Sendable {
        case stored(TaskRecord, CallbackPolicy.Outcome)
        case failed(StoreError)
    }

    private struct Waiting {
        var items: [(callback: ReceivedCallback, answer: Answer)] = []
        var writers = 0
        /// The sizes of the batches being committed, one per writer busy.
        var inFlight: [Int] = []
    }

    private let writer: Writer
    /// Transactions under way at once: 1 for SQLite, which has one writer anyway; more where
    /// the database takes several (PostgreSQL), so that a batch forms while another commits.
    private let concurrency: Int
    private let waiting = Mutex(Waiting())
    /// Callbacks in one transaction at most, so that one batch's latency stays bounded.
    private let batchLimit = 512

    init(concurrency: Int = 1, writer: @escaping Writer) {
        self.concurrency = max(1, concurrency)
        self.writer = writer
    }

    func record(_ callback: ReceivedCallback) async throws(StoreError) -> (task: TaskRecord, outcome: CallbackPolicy.Outcome) {
        let result = await withCheckedContinuation { (answer: Answer) in
            let startWriter = waiting.withLock { state in
                state.items.append((callback, answer))
                guard Self.wantsWriter(writers: state.writers, limit: concurrency, waiting: state.items.count, inFlight: state.inFlight)
                else { return false }
                state.writers += 1
                return true
            }
            if startWriter {
                Task { await writeAll() }
            }
        }
        switch result {
        case .stored(let task, let outcome): return (task, outcome)
        case .failed(let error): throw error
        }
    }

    /// Whether the callbacks waiting should start a transaction now, beside those under way:
    /// always when none is, otherwise once they are as many as the smallest batch under way.
    /// Each transaction costs the database and this process the same whatever its size, so
    /// cutting the same callbacks into more, smaller batches only adds work, and the work shows
    /// when the machine is busy (docs/database.md: two processes on two cores, whose second
    /// writers had halved every batch).
    static func wantsWriter(writers: Int, limit: Int, waiting: Int, inFlight: [Int]) -> Bool {
        if writers == 0 { return true }
        // A writer started and not yet under way takes the callbacks waiting.
        guard writers < limit, inFlight.count == writers, let smallest = inFlight.min() else { return false }
        return waiting >= smallest
    }

    /// Commits batches until no callback waits.
    private func writeAll() async {
        var size = 0
        while true {
            let batch = waiting.withLock { state in
                // The batch just committed (none on the first turn) is no longer under way.
                if let finished = state.inFlight.firstIndex(of: size) { state.inFlight.remove(at: finished) }
                let batch = Array(state.items.prefix(batchLimit))
                state.items.removeFirst(batch.count)
                if batch.isEmpty { state.writers -= 1 } else { state.inFlight.append(batch.count) }
                return batch
            }
            size = batch.count
            if batch.isEmpty { return }
            let callbacks = batch.map(\.callback)
            var results: [Result]
            do throws(StoreError) {
                results = try await writer(callbacks).map { Result.stored($0.task, $0.outcome) }
            } catch {
                results = Array(repeating: .failed(error), count: batch.count)
            }
            if results.count != batch.count {
                results = Array(repeating: .failed(StoreError(.failed, "the store answered for \(results.count) of \(batch.count) callbacks")), count: batch.count)
            }
            for (item, result) in zip(batch, results) {
                item.answer.resume(returning: result)
            }
        }
    }
}
