import DarkroomCore
import DarkroomFetch
import DarkroomQueue
import Foundation
import Logging
import ServiceLifecycle

/// Asks the provider's query API about tasks whose callback did not come (docs/polling.md): a
/// task registered ahead, or `waiting` longer than `PollSettings.after`. Each poll is leased
/// (`TaskStore.claimPoll`), so processes on one database never ask about one task at once. The
/// answer's `data` goes through the callback decoder and the store's order-and-repeat rules, kept
/// in the task's history with `source: poll`; an answer that is no help is the task's last error
/// and the task is asked again later (`PollSchedule`); a task that never ends is failed after
/// `PollSettings.giveUp`.
struct Poller: Service {
    let store: any TaskStore
    let settings: PollSettings
    let events: TaskEvents
    /// Rung when a poll queued an archive job.
    let jobBell: Doorbell
    let metrics: ServiceMetrics
    let logger: Logger
    let exchange: HTTPExchange
    let owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/poll-\(UUID().uuidString.prefix(8))"
    private let pace: PollPace
    private let credentials: ProviderCredentials
    /// The provider whose query API `--poll-url` is: Kling, the one there is. A task of another
    /// is not asked there (`ask`).
    private let provider: any Provider = Kling()

    init(store: any TaskStore, settings: PollSettings, events: TaskEvents, jobBell: Doorbell, metrics: ServiceMetrics, logger: Logger,
         addressPolicy: AddressPolicy, caBundle: String?) {
        self.store = store
        self.settings = settings
        self.events = events
        self.jobBell = jobBell
        self.metrics = metrics
        self.logger = logger
        exchange = HTTPExchange(timeout: settings.timeout, caBundle: caBundle, addressPolicy: addressPolicy)
        pace = PollPace(ratePerSecond: settings.ratePerSecond)
        credentials = ProviderCredentials(settings.auth)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for _ in 0..<settings.pollers {
                    group.addTask { await loop() }
                }
            }
        }
    }

    /// Polls what is due, a slot of the pace at a time; looks again every second.
    private func loop() async {
        while !Task.isCancelled {
            do {
                try await pace.waitForSlot()
            } catch {
                return
            }
            let poll: PollJob?
            let now = Date()
            do {
                poll = try await store.claimPoll(owner: owner, lease: settings.timeout + .seconds(10), now: now, waitingSince: now - settings.after.timeInterval)
            } catch {
                if !Task.isCancelled { logger.error("cannot take a task to poll: \(error)") }
                poll = nil
            }
            if let poll {
                await ask(poll)
            } else {
                do {
                    try await Task.sleep(for: .seconds(1))
                } catch {
                    return
                }
            }
        }
    }

    private func ask(_ poll: PollJob) async {
        let now = Date()
        if now.timeIntervalSince(poll.firstSeenAt) >= settings.giveUp.timeInterval {
            await giveUp(poll, now: now)
            return
        }
        guard poll.task.provider == provider.name else {
            await finish(poll, note: "this darkroom polls \(provider.name) only", retryAfter: nil, result: "failed")
            return
        }
        guard let url = settings.url(for: poll) else {
            await finish(poll, note: "no query URL: serve needs --poll-url to poll", retryAfter: nil, result: "failed")
            return
        }
        var headers = ["Accept: application/json", "User-Agent: darkroom"]
        do {
            if settings.credentialsGo(to: url), let authorization = try await credentials.authorization() {
                headers.append("Authorization: \(authorization)")
            }
        } catch {
            await finish(poll, note: "cannot sign the query's token: \(error)", retryAfter: nil, result: "failed")
            return
        }
        switch await exchange.perform("GET", url, headers: headers, answerLimit: 1 << 20) {
        case .transportFailed(let reason):
            await finish(poll, note: "the query to the provider failed: \(reason)", retryAfter: nil, result: "failed")
        case .answered(let status, let body, let retryAfter):
            switch status {
            case 200..<300:
                await apply(body, of: poll)
            case 401, 403:
                await finish(poll, note: "the provider refused the credentials (HTTP \(status)): check --poll-token, or --kling-access-key and --kling-secret-key",
                             retryAfter: retryAfter, result: "refused")
            case 404:
                await finish(poll, note: "the provider does not know this task (HTTP 404)", retryAfter: retryAfter, result: "refused")
            case 429:
                let wait = TimeInterval(min(max(retryAfter ?? 0, 1), 3600))
                await pace.pause(for: wait)
                await finish(poll, note: "the provider asked to slow down (HTTP 429, Retry-After \(Int(wait)) s)", retryAfter: retryAfter, result: "refused")
            default:
                await finish(poll, note: "the provider answered HTTP \(status)", retryAfter: retryAfter, result: "refused")
            }
        }
    }

    /// The answer's `data` as a callback received now, with `source: poll`.
    private func apply(_ body: Data, of poll: PollJob) async {
        let answer: QueryAnswer
        do {
            answer = try provider.decodeQueryAnswer(body)
        } catch {
            await finish(poll, note: "the provider's answer is not a task: \(error)", retryAfter: nil, result: "refused")
            return
        }
        switch answer {
        case .refused(let code, let message):
            await finish(poll, note: "the provider refused the query: code \(code): \(LogText.escaped(String(message.prefix(200))))", retryAfter: nil, result: "refused")
        case .task(let event) where event.key != poll.task:
            await finish(poll, note: "the provider answered about another task (\(LogText.escaped(String(event.taskID.prefix(100)))))", retryAfter: nil, result: "refused")
        case .task(let event):
            let now = Date()
            let callback = ReceivedCallback(event: event, body: body, headers: ReceivedCallback.pollHeaders, receivedAt: now,
                                            failureEvent: event.status == .failed ? try? events.generatorFailed(event, receivedAt: now) : nil)
            do {
                let (task, outcome) = try await store.record(callback)
                logger.info("polled", metadata: ["task_id": "\(LogText.escaped(poll.task.description))", "status": "\(event.status.rawValue)",
                                                 "outcome": "\(outcome.rawValue)", "state": "\(task.state.rawValue)"])
                if task.state == .queued { jobBell.ring() }
                await finish(poll, note: nil, retryAfter: nil, result: outcome.rawValue)
            } catch {
                await finish(poll, note: "the provider's answer could not be stored: \(error)", retryAfter: nil, result: "failed")
            }
        }
    }

    private func finish(_ poll: PollJob, note: String?, retryAfter: Int64?, result: String) async {
        metrics.poll(result)
        let now = Date()
        let delay = PollSchedule(interval: settings.interval).delay(afterTries: poll.tries + 1, retryAfter: retryAfter)
        if let note {
            logger.warning("poll did not help", metadata: ["task_id": "\(LogText.escaped(poll.task.description))", "reason": "\(LogText.escaped(note))",
                                                           "next_in_s": "\(Int(delay.rounded()))"])
        }
        do {
            if try await store.finishPoll(poll, nextAt: now + delay, note: note, now: now) == false {
                logger.warning("a poll's lease was lost before it was recorded", metadata: ["task_id": "\(LogText.escaped(poll.task.description))"])
            }
        } catch {
            logger.error("cannot record a poll (it is made again after its lease): \(error)")
        }
    }

    private func giveUp(_ poll: PollJob, now: Date) async {
        metrics.poll("given_up")
        let hours = Int((settings.giveUp.timeInterval / 3600).rounded())
        let reason = "the provider never reported an end (polled \(poll.tries) time(s); given up \(hours) h after the task was first seen)"
        do {
            let history = try await store.history(poll.task, after: nil, limit: 50).callbacks
            let event = try? events.failed(task: poll.task, reason: reason, attempts: 0, history: history, now: now, failedBy: "poll")
            if try await store.giveUpPoll(poll, reason: reason, now: now, event: event) {
                logger.warning("polling gave up", metadata: ["task_id": "\(LogText.escaped(poll.task.description))", "reason": "\(reason)"])
            }
        } catch {
            logger.error("cannot give up polling task \(LogText.escaped(poll.task.description)): \(error)")
        }
    }
}
