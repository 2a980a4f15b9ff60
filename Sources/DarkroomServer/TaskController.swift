import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

/// `GET /v1/tasks`, `POST /v1/tasks`, `GET /v1/tasks/{id}` and `POST /v1/tasks/{id}/retry`.
struct TaskController: Sendable {
    let store: any TaskStore
    let archive: any ArchiveStore
    let doorbell: Doorbell

    private var documents: TaskDocuments { TaskDocuments(store: store, archive: archive) }

    func addRoutes(to router: some RouterMethods<DarkroomRequestContext>) {
        router.get("/v1/tasks") { request, _ in try await list(request) }
        router.post("/v1/tasks") { request, _ in try await register(request) }
        router.get("/v1/tasks/:id") { request, context in try await show(try context.task(request), request) }
        router.post("/v1/tasks/:id/retry") { request, context in try await retry(try context.task(request)) }
        MethodNotAllowed.add(to: router, "/v1/tasks", allowed: [.get, .post])
        MethodNotAllowed.add(to: router, "/v1/tasks/:id", allowed: [.get])
        MethodNotAllowed.add(to: router, "/v1/tasks/:id/retry", allowed: [.post])
    }

    /// `?state=&verdict=&tag=key:value&created_after=&created_before=&limit=&cursor=`; times in
    /// RFC 3339. Answers `{"tasks": [...], "next_cursor": "…"}`, newest first; `next_cursor` is
    /// absent on the last page.
    func list(_ request: Request) async throws -> Response {
        let query = try TaskQuery(parameters: { try request.singleParameter($0) })
        return try JSONResponse.make(try await stored { () async throws(StoreError) in try await documents.list(query) })
    }

    /// Registers a task ahead of its callback, to be polled (docs/polling.md): 201 with the task
    /// when created, 200 with it as it is when the store knew it already.
    func register(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 << 10)
        let registration: Registration
        do {
            registration = try RegistrationRequest.parse(Data(buffer: body))
        } catch {
            throw HTTPError(.badRequest, message: error.description)
        }
        let (task, created) = try await stored { () async throws(StoreError) in try await store.register(registration, now: Date()) }
        var response = try JSONResponse.make(TaskSummary(task), status: created ? .created : .ok)
        response.headers[.location] = TaskLinks.api(registration.task)
        return response
    }

    /// `?history_cursor=&history_limit=`: the task's callbacks come a page at a time (100 by
    /// default, at most 1,000), with `history_next_cursor` when there are more.
    func show(_ key: TaskKey, _ request: Request) async throws -> Response {
        let page = try HistoryPageRequest(parameters: { try request.singleParameter($0) })
        guard let document = try await stored({ () async throws(StoreError) in try await documents.show(key, history: page) }) else {
            throw HTTPError(.notFound, message: "no task \(key) has been seen")
        }
        return try JSONResponse.make(document)
    }

    func retry(_ key: TaskKey) async throws -> Response {
        guard let (task, retried) = try await stored({ () async throws(StoreError) in try await store.retry(key, now: Date()) }) else {
            throw HTTPError(.notFound, message: "no task \(key) has been seen")
        }
        guard retried else {
            throw HTTPError(.conflict, message: "task \(key) is \(task.state.rawValue); only a failed task with results can be retried")
        }
        doorbell.ring()
        return try JSONResponse.make(TaskSummary(task))
    }

    private func stored<T>(_ body: () async throws(StoreError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw error.httpError
        }
    }
}
