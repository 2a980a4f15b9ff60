import DarkroomArchive
import DarkroomQueue
import Foundation
import Logging

/// Runs one stage of a job while renewing its lease (every third of the lease). When a renewal
/// finds the lease gone, the stage is cancelled and its outcome is `leaseLost`: another worker
/// owns the job now, and nothing this one did may be recorded.
struct JobLease {
    let store: any TaskStore
    let job: Job
    let lease: Duration
    let logger: Logger

    enum Outcome<T: Sendable>: Sendable {
        case done(T)
        case failed(ArchiveError)
        case leaseLost
    }

    private enum Event<T: Sendable>: Sendable {
        case finished(T?, ArchiveError?)
        case lost
        case renewerStopped
    }

    func hold<T: Sendable>(_ work: @escaping @Sendable () async throws(ArchiveError) -> T) async -> Outcome<T> {
        await withTaskGroup(of: Event<T>.self) { group in
            group.addTask {
                do throws(ArchiveError) {
                    return .finished(try await work(), nil)
                } catch {
                    return .finished(nil, error)
                }
            }
            group.addTask { await renew() }
            var lost = false
            while let event = await group.next() {
                switch event {
                case .finished(let value, let error):
                    group.cancelAll()
                    if lost { return .leaseLost }
                    if let value { return .done(value) }
                    return .failed(error ?? ArchiveError(.cancelled, taskID: job.task.description, "stopped"))
                case .lost:
                    lost = true
                    group.cancelAll()
                case .renewerStopped:
                    continue
                }
            }
            return .leaseLost
        }
    }

    private func renew<T>() async -> Event<T> {
        while true {
            do {
                try await Task.sleep(for: lease / 3)
            } catch {
                return .renewerStopped
            }
            do {
                if try await !store.renew(job, lease: lease, now: Date()) { return .lost }
            } catch {
                // The lease may still be renewed next time; if not, it expires and the job is reclaimed.
                logger.warning("cannot renew the lease: \(error)")
            }
        }
    }
}

/// The wait before a job's next attempt: `base` doubled for each attempt after the first, at
/// most an hour, times a random 0.8 to 1.2 so that jobs failed together do not retry together.
enum RetryDelay {
    static func after(attempt: Int, base: Duration) -> TimeInterval {
        let seconds = min(base.timeInterval * pow(2, Double(max(attempt - 1, 0))), 3600)
        return seconds * Double.random(in: 0.8...1.2)
    }
}
