import AsyncAlgorithms
import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The archive jobs' workers, as a service of the application: `downloadWorkers` loops claim
/// queued jobs and download their results; `mediaWorkers` loops take the downloaded tasks,
/// verify, transcode and move them into the archive. The stages meet in a channel without a
/// buffer, so a slow download never holds the encoder and the encoder never holds downloads
/// beyond the one task each download worker has finished.
///
/// Each job runs under a lease on its task, renewed while it runs; a job whose lease is lost
/// (the process stalled, the task was queued again) stops and reports nothing. A ticker finds
/// jobs queued by other processes or due for a retry, and puts back jobs whose lease ran out.
///
/// On graceful shutdown no new job is claimed; running jobs have `shutdownGrace` to finish, then
/// are cancelled and their leases given back, a downloaded task still waiting for the media
/// stage's at once.
struct ArchiveWorkers: Service {
    let store: any TaskStore
    let archiver: TaskArchiver
    let settings: ServerSettings
    let doorbell: Doorbell
    /// Writes `task.archived` and `task.failed` with the state change, and rings `eventBell`.
    let events: TaskEvents
    let eventBell: Doorbell
    let metrics: ServiceMetrics
    let logger: Logger
    private let tally = JobTally()
    /// This process, as lease owner.
    let owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(UUID().uuidString.prefix(8))"

    /// A downloaded task on its way to the media stage. Exactly one side settles it: the media
    /// loop that takes it, or the download loop whose wait the shutdown cancelled, which gives
    /// the job back. A send cancelled just as a media loop takes the task leaves both thinking
    /// it is theirs; `claim()` decides.
    private final class Downloaded: Sendable {
        let job: Job
        let logger: Logger
        let task: DownloadedTask
        private let claimed = Atomic<Bool>(false)

        init(job: Job, logger: Logger, task: DownloadedTask) {
            self.job = job
            self.logger = logger
            self.task = task
        }

        /// True for the first caller only.
        func claim() -> Bool {
            !claimed.exchange(true, ordering: .acquiringAndReleasing)
        }
    }

    func run() async throws {
        let work = Task { await runLoops() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await work.value
            } onGracefulShutdown: {
                logger.info("workers stopping: no new jobs; running jobs have \(settings.shutdownGrace) to finish")
                tally.shutdownBegan()
                doorbell.close()
                Task {
                    try? await Task.sleep(for: settings.shutdownGrace)
                    work.cancel()
                }
            }
        } onCancel: {
            work.cancel()
        }
        if tally.shuttingDown { logger.notice("workers stopped: \(tally.summary)") }
    }

    /// Counts a job's end for the metrics and for the line logged at the stop.
    private func ended(_ result: String) {
        metrics.job(result)
        tally.add(result)
    }

    private func runLoops() async {
        let handoff = AsyncChannel<Downloaded>()
        await withDiscardingTaskGroup { group in
            group.addTask { await tick() }
            group.addTask {
                await withDiscardingTaskGroup { downloads in
                    for _ in 0..<settings.downloadWorkers {
                        let bell = doorbell.listen()
                        downloads.addTask { await downloadLoop(bell, handoff) }
                    }
                }
                handoff.finish()
            }
            for _ in 0..<settings.mediaWorkers {
                group.addTask { await mediaLoop(handoff) }
            }
        }
    }

    /// Rings the doorbell every second and puts back expired leases every half lease, until
    /// the doorbell closes.
    private func tick() async {
        var lastReclaim: ContinuousClock.Instant?
        while !doorbell.isClosed {
            if lastReclaim.map({ ContinuousClock.now - $0 >= settings.lease / 2 }) ?? true {
                lastReclaim = .now
                do {
                    let (events, attempts) = (self.events, settings.maxAttempts)
                    let reclaimed = try await store.reclaimExpired(now: Date(), maxAttempts: attempts) { task, reason in
                        try? events.failed(task: task, reason: reason, attempts: attempts, history: [], now: Date())
                    }
                    if reclaimed > 0 {
                        eventBell.ring()
                        logger.notice("put \(reclaimed) job(s) with an expired lease back in the queue")
                    }
                } catch {
                    if !Task.isCancelled { logger.error("cannot reclaim expired leases: \(error)") }
                }
            }
            doorbell.ring()
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
        }
    }

    private func downloadLoop(_ bell: AsyncStream<Void>, _ handoff: AsyncChannel<Downloaded>) async {
        for await _ in bell {
            while !Task.isCancelled, !doorbell.isClosed {
                let job: Job?
                do {
                    job = try await store.claim(owner: owner, lease: settings.lease, now: Date())
                } catch {
                    // Cancelled (the service stopping, or failing to start) is no error to report.
                    if !Task.isCancelled { logger.error("cannot claim a job: \(error)") }
                    break
                }
                guard let job else { break }
                if let downloaded = await download(job) {
                    // The media stage may be busy for longer than a lease: the wait renews it too.
                    let waited = await JobLease(store: store, job: job, lease: settings.lease, logger: downloaded.logger).hold {
                        () async throws(ArchiveError) in
                        await handoff.send(downloaded)
                        if Task.isCancelled, downloaded.claim() {
                            throw ArchiveError(.cancelled, taskID: job.task.description, "stopped while the downloaded task waited for the media stage")
                        }
                    }
                    _ = await settle(waited, job, downloaded.logger)
                }
            }
        }
    }

    private func download(_ job: Job) async -> Downloaded? {
        var logger = self.logger
        logger[metadataKey: "task_id"] = "\(job.task)"
        logger.info("job claimed", metadata: ["attempt": "\(job.attempt)"])
        let request: ArchiveRequest
        do {
            request = try await archiveRequest(for: job)
        } catch {
            logger.error("job failed: \(error.reason)")
            _ = try? await store.fail(job, error: error.reason, retryAt: nil, now: Date())
            return nil
        }
        let earlier: TaskIndex?
        do {
            earlier = try await archiver.committedEarlier(request)
        } catch {
            logger.error("cannot finish an earlier attempt's commit (the lease will expire and the job run again): \(error)")
            return nil
        }
        if let earlier {
            await recordEarlierCommit(job, earlier, logger)
            return nil
        }
        let started = ContinuousClock.now
        let outcome = await JobLease(store: store, job: job, lease: settings.lease, logger: logger).hold {
            () async throws(ArchiveError) in try await archiver.download(request)
        }
        metrics.stage("download", took: ContinuousClock.now - started)
        guard let task = await settle(outcome, job, logger) else { return nil }
        metrics.downloaded(bytes: task.downloadedBytes)
        do {
            guard try await store.startProcessing(job, lease: settings.lease, now: Date()) else { return nil }
        } catch {
            logger.error("cannot record the end of the downloads: \(error)")
            return nil
        }
        logger.info("downloaded", metadata: ["stage": "media"])
        return Downloaded(job: job, logger: logger, task: task)
    }

    private func mediaLoop(_ handoff: AsyncChannel<Downloaded>) async {
        for await item in handoff {
            guard item.claim() else { continue }
            let started = ContinuousClock.now
            let outcome = await JobLease(store: store, job: item.job, lease: settings.lease, logger: item.logger).hold {
                () async throws(ArchiveError) in try await archiver.finish(item.task)
            }
            metrics.stage("media", took: ContinuousClock.now - started)
            guard let index = await settle(outcome, item.job, item.logger) else { continue }
            Checkpoint.reached("committed")
            metrics.problems(index.problems)
            do {
                if try await store.complete(item.job, folder: index.folder, verdict: index.verdict, note: nil, now: Date(),
                                            event: archivedEvent(index, item.logger)) {
                    eventBell.ring()
                    ended("archived")
                    item.logger.info("archived", metadata: ["folder": "\(index.folder)", "verdict": "\(index.verdict.rawValue)",
                                                            "problems": "\(index.problems.count)"])
                }
            } catch {
                item.logger.error("archived, but the task's state could not be recorded (the lease will expire and the job run again): \(error)")
            }
        }
    }

    /// The value of a finished stage, or nil after recording its failure.
    private func settle<T>(_ outcome: JobLease.Outcome<T>, _ job: Job, _ logger: Logger) async -> T? {
        switch outcome {
        case .done(let value):
            return value
        case .leaseLost:
            ended("lease_lost")
            logger.warning("lease lost; the job is someone else's now")
            return nil
        case .failed(let error):
            let now = Date()
            let retryAt: Date?
            switch error.kind {
            case .cancelled:
                ended("released")
                logger.notice("job given back: \(error.reason)")
                retryAt = now
            case .storage where job.attempt < settings.maxAttempts:
                retryAt = now + RetryDelay.after(attempt: job.attempt, base: settings.retryBaseDelay)
                ended("retry")
                logger.error("attempt \(job.attempt) failed, next at \(IndexCoding.timestamp(retryAt!)): \(error.reason)")
            case .noSpace:
                retryAt = now + 60
                ended("no_space")
                logger.warning("waiting for space: \(error.reason)")
            case .storeUnavailable:
                // The store being down is no fault of the task: the attempt is not counted.
                retryAt = now + settings.retryBaseDelay.timeInterval
                ended("store_unavailable")
                logger.warning("the archive is unavailable; the job waits: \(error.reason)")
            case .keptArchived:
                ended("kept")
                logger.notice("re-archive changed nothing: \(error.reason)")
                await keep(job, note: error.reason)
                return nil
            case .storage, .notSucceeded:
                retryAt = nil
                ended("failed")
                logger.error("job failed for good after \(job.attempt) attempt(s): \(error.reason)")
            }
            // A job cancelled by the shutdown must still be written down, and GRDB refuses to
            // start a write in a cancelled task: the write gets a task of its own.
            let store = self.store
            let recorded = await Task { () async -> StoreError? in
                do throws(StoreError) {
                    if error.kind == .cancelled {
                        _ = try await store.release(job, retryAt: now, note: nil, now: now)
                    } else if error.kind == .noSpace || error.kind == .storeUnavailable {
                        _ = try await store.release(job, retryAt: retryAt ?? now, note: error.reason, now: now)
                    } else {
                        let event = retryAt == nil ? await failedEvent(job, reason: error.reason, logger) : nil
                        if try await store.fail(job, error: error.reason, retryAt: retryAt, now: now, event: event), event != nil { eventBell.ring() }
                    }
                    return nil
                } catch {
                    return error
                }
            }.value
            if let recorded {
                logger.error("cannot record the job's failure (the lease will expire and the job run again): \(recorded)")
            }
            return nil
        }
    }

    /// Ends a job whose task an earlier attempt archived (its process killed between the commit
    /// and the store's record of it): archived once, not twice.
    private func recordEarlierCommit(_ job: Job, _ index: TaskIndex, _ logger: Logger) async {
        do {
            if try await store.complete(job, folder: index.folder, verdict: index.verdict, note: nil, now: Date(), event: archivedEvent(index, logger)) {
                eventBell.ring()
                ended("archived")
                logger.notice("already archived by an earlier attempt that stopped before recording it", metadata: ["folder": "\(index.folder)"])
            }
        } catch {
            logger.error("cannot record the earlier attempt's archive (the lease will expire and the job run again): \(error)")
        }
    }

    /// Ends a re-archive that changed nothing: the task is archived as it was, with the reason.
    private func keep(_ job: Job, note: String) async {
        do {
            guard let task = try await store.task(job.task), let folder = task.folder, let verdict = task.verdict else {
                let event = await failedEvent(job, reason: note, logger)
                if try await store.fail(job, error: note, retryAt: nil, now: Date(), event: event), event != nil { eventBell.ring() }
                return
            }
            _ = try await store.complete(job, folder: folder, verdict: verdict, note: note, now: Date())
        } catch {
            logger.error("cannot record that the archived task is kept (the lease will expire and the job run again): \(error)")
        }
    }

    /// The succeeded callback the job archives, with the task's history and tags.
    private func archiveRequest(for job: Job) async throws(StoreError) -> ArchiveRequest {
        guard let callback = try await store.callback(job.callbackID), let task = try await store.task(job.task) else {
            throw StoreError(.failed, "the callback of task \(job.task) is not in the store")
        }
        guard let provider = Providers.named(callback.provider) else {
            throw StoreError(.failed, "the stored callback of task \(job.task) is of a provider this darkroom does not know")
        }
        let event: CallbackEvent
        do {
            event = try provider.decodeCallback(callback.body)
        } catch {
            throw StoreError(.failed, "the stored callback of task \(job.task) no longer decodes: \(error)")
        }
        // Page by page, so the bodies of a long history are never all in memory at once.
        var history: [HistoryEntry] = []
        var cursor: Int64?
        repeat {
            let page = try await store.history(job.task, after: cursor, limit: HistoryPage.maxLimit)
            history += page.callbacks.map { HistoryEntry(status: $0.status, updatedAt: $0.updatedAt, receivedAt: $0.receivedAt) }
            cursor = page.nextCursor
        } while cursor != nil
        return ArchiveRequest(event: event, body: callback.body, receivedAt: callback.receivedAt, history: history, tags: task.tags)
    }
}
