import DarkroomCore
import DarkroomFetch
import DarkroomQueue
import Foundation
import Logging
import ServiceLifecycle

/// Posts the outbox's events to their endpoints, as a service of the application: `senders`
/// loops claim due deliveries (leased, so a sender that dies leaves its delivery to another after
/// the lease: at least once, across crashes and processes), sign each request with Standard
/// Webhooks and record every attempt. A 2xx answer delivers; 410 stops; anything else, or no
/// answer, is retried on `DeliverySchedule`. On graceful shutdown no new delivery is taken; one
/// being posted ends within the POST's time-out.
struct NotificationSender: Service {
    let store: any TaskStore
    let settings: NotificationSettings
    /// Rung when this process writes an event; a one-second tick finds the rest (other
    /// processes' events, retries that came due).
    let bell: Doorbell
    let metrics: ServiceMetrics
    let logger: Logger
    let owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/notify-\(UUID().uuidString.prefix(8))"

    private var schedule: DeliverySchedule { DeliverySchedule(retryBase: settings.retryBase, maxAttempts: settings.maxAttempts) }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await tick() }
                for _ in 0..<settings.senders {
                    let rings = bell.listen()
                    group.addTask { await loop(rings) }
                }
            }
        } onGracefulShutdown: {
            bell.close()
        }
    }

    /// Rings every second until the bell closes or the service is cancelled.
    private func tick() async {
        while !bell.isClosed {
            bell.ring()
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
        }
    }

    /// Posts what is due, then waits for a ring; ends when the bell closes.
    private func loop(_ rings: AsyncStream<Void>) async {
        for await _ in rings {
            while !bell.isClosed {
                let claimed: ClaimedDelivery?
                do {
                    claimed = try await store.claimDelivery(owner: owner, lease: settings.timeout + .seconds(5), now: Date())
                } catch {
                    logger.error("cannot take a notification to send: \(error)")
                    break
                }
                guard let claimed else { break }
                await send(claimed)
            }
        }
    }

    private func send(_ claimed: ClaimedDelivery) async {
        let event = claimed.event
        let timestamp = String(Int64(Date().timeIntervalSince1970))
        var headers = ["webhook-id: \(event.id)", "webhook-timestamp: \(timestamp)", "User-Agent: darkroom"]
        if let secret = settings.secret {
            headers.append("webhook-signature: " + WebhookSignature.sign(id: event.id, timestamp: timestamp, body: event.body, secret: secret))
        }
        // The answer is read and dropped: a receiver's 2xx is all that is asked of it.
        let outcome = await HTTPExchange(timeout: settings.timeout).perform("POST", claimed.endpoint, headers: headers, body: event.body)
        let now = Date()
        let attempt: DeliveryAttempt
        let result: DeliveryResult
        switch outcome {
        case .answered(let status, _, let retryAfter):
            attempt = DeliveryAttempt(at: now, status: status, error: nil)
            result = schedule.result(status: status, retryAfter: retryAfter, attempts: claimed.attempts + 1, eventCreated: event.createdAt, now: now)
        case .transportFailed(let reason):
            attempt = DeliveryAttempt(at: now, status: nil, error: reason)
            result = schedule.result(status: nil, retryAfter: nil, attempts: claimed.attempts + 1, eventCreated: event.createdAt, now: now)
        }
        let label = switch result {
        case .delivered: "delivered"
        case .retry: "retry"
        case .failed: "failed"
        case .gone: "gone"
        }
        metrics.notification(label)
        var metadata: Logger.Metadata = [
            "event": "\(event.id)", "type": "\(event.type)", "task_id": "\(LogText.escaped(event.task.description))",
            "endpoint": "\(NotificationEndpoint.shown(claimed.endpoint))", "attempt": "\(claimed.attempts + 1)", "result": "\(label)",
        ]
        if let status = attempt.status { metadata["status"] = "\(status)" }
        if let error = attempt.error { metadata["error"] = "\(LogText.escaped(error))" }
        if case .retry(let at) = result { metadata["retry_in_s"] = "\(Int(at.timeIntervalSince(now).rounded()))" }
        do {
            if try await store.finishDelivery(claimed, attempt: attempt, result: result) {
                if case .delivered = result {
                    logger.info("notification sent", metadata: metadata)
                } else {
                    logger.warning("notification not delivered", metadata: metadata)
                }
            } else {
                logger.warning("notification's lease lost before its attempt was recorded; it will be sent again", metadata: metadata)
            }
        } catch {
            logger.error("cannot record a notification's attempt (it will be sent again after its lease): \(error)", metadata: metadata)
        }
    }
}
