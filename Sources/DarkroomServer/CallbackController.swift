import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird
import Logging

/// `POST /v1/callbacks/{provider}`: checks the caller, decodes the body as the provider's
/// callback, and stores the callback before answering 200, so that a callback answered 200 is
/// never lost. Answers (DESIGN.md): 404 for a provider Darkroom does not know, 401 for a bad or
/// missing signature or token, 413 over the body limit, 400 for a body that is
/// not JSON of a callback's shape, 422 without a task id or status, 503 when the store cannot
/// take it now (the sender retries), 200 with the task's id and state otherwise.
struct CallbackController: Sendable {
    let store: any TaskStore
    let callers: CallerCheck
    let bodyLimit: Int
    let doorbell: Doorbell
    /// `task.failed` for a callback that says the generator failed the task, and the bell of
    /// the notification senders.
    let events: TaskEvents
    let eventBell: Doorbell
    let metrics: ServiceMetrics
    let logger: Logger

    init(store: any TaskStore, callers: CallerCheck, bodyLimit: Int, doorbell: Doorbell, events: TaskEvents, eventBell: Doorbell,
         metrics: ServiceMetrics, logger: Logger) {
        self.store = store
        self.callers = callers
        self.bodyLimit = bodyLimit
        self.doorbell = doorbell
        self.events = events
        self.eventBell = eventBell
        self.metrics = metrics
        self.logger = logger
    }

    /// Request headers kept with the callback, for the task's history.
    static let keptHeaders: Set<String> = ["webhook-id", "webhook-timestamp", "user-agent", "content-type", "x-forwarded-for"]

    func addRoutes(to router: Router<DarkroomRequestContext>) {
        router.post("/v1/callbacks/:provider") { request, context in
            let name = try context.parameters.require("provider")
            guard let provider = Providers.named(name) else {
                throw HTTPError(.notFound, message: "no provider \(name): Darkroom takes callbacks from \(Providers.all.keys.sorted().joined(separator: ", "))")
            }
            return try await receive(request, from: provider)
        }
        MethodNotAllowed.add(to: router, "/v1/callbacks/:provider", allowed: [.post])
    }

    func receive(_ request: Request, from provider: any Provider) async throws -> Response {
        let receivedAt = Date()
        let body: Data
        do {
            body = Data(buffer: try await request.body.collect(upTo: bodyLimit))
        } catch {
            metrics.callback("too_large")
            throw HTTPError(.contentTooLarge, message: "the body is over the limit of \(bodyLimit) bytes")
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var token: String?
        var tags: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            if key == "token" { token = String(value) } else { tags[String(key)] = String(value) }
        }

        do {
            try callers.check(headers: headers, token: token, body: body, now: receivedAt)
        } catch {
            logger.notice("callback refused", metadata: ["reason": "\(error.reason)"])
            metrics.callback("unauthorized")
            throw HTTPError(.unauthorized, message: error.reason)
        }
        guard tags.count <= 20, tags.allSatisfy({ $0.key.utf8.count <= 64 && $0.value.utf8.count <= 256 }) else {
            metrics.callback("bad_request")
            throw HTTPError(.badRequest, message: "too many or too long query parameters for tags (at most 20, names of 64 bytes, values of 256)")
        }
        let event: CallbackEvent
        do {
            event = try provider.decodeCallback(body)
        } catch {
            metrics.callback(error.kind == .incomplete ? "unprocessable" : "bad_request")
            throw HTTPError(error.kind == .incomplete ? .unprocessableContent : .badRequest, message: error.description)
        }

        var taskLogger = logger
        taskLogger[metadataKey: "task_id"] = "\(event.taskID)"
        let callback = ReceivedCallback(
            event: event, body: body, headers: headers.filter { Self.keptHeaders.contains($0.key) }, tags: tags, receivedAt: receivedAt,
            failureEvent: event.status == .failed ? try? events.generatorFailed(event, receivedAt: receivedAt) : nil)
        let task: TaskRecord
        let outcome: CallbackPolicy.Outcome
        do throws(StoreError) {
            (task, outcome) = try await store.record(callback)
        } catch {
            taskLogger.error("callback not stored", metadata: ["error": "\(error.reason)"])
            metrics.callback(error.kind == .unavailable ? "unavailable" : "error")
            throw error.httpError
        }
        taskLogger.info("callback stored", metadata: [
            "status": "\(event.status.rawValue)", "outcome": "\(outcome.rawValue)", "state": "\(task.state.rawValue)",
        ])
        metrics.callback(outcome.rawValue)
        if outcome == .applied, task.state == .queued { doorbell.ring() }
        if outcome == .applied, task.state == .failed { eventBell.ring() }
        return try JSONResponse.make(CallbackAnswer(taskID: task.id, state: task.state, status: task.status, outcome: outcome))
    }
}

/// The 200 answer to a callback.
struct CallbackAnswer: Encodable {
    var taskID: String
    var state: TaskState
    var status: TaskStatus
    var outcome: CallbackPolicy.Outcome

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case state, status, outcome
    }
}
