import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

/// `GET /v1/tasks`, `GET /v1/tasks/{id}` and `POST /v1/tasks/{id}/retry`.
struct TaskController: Sendable {
    let store: any TaskStore
    let layout: ArchiveLayout
    let doorbell: Doorbell

    func addRoutes(to router: Router<DarkroomRequestContext>) {
        router.get("/v1/tasks") { request, _ in try await list(request) }
        router.get("/v1/tasks/:id") { _, context in try await show(try context.parameters.require("id")) }
        router.post("/v1/tasks/:id/retry") { _, context in try await retry(try context.parameters.require("id")) }
    }

    /// `?state=&verdict=&tag=key:value&created_after=&created_before=&limit=&cursor=`; times in
    /// RFC 3339. Answers `{"tasks": [...], "next_cursor": "…"}`, newest first; `next_cursor` is
    /// absent on the last page.
    func list(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        var query = TaskQuery()
        if let given = parameters.get("state") {
            guard let state = TaskState(rawValue: given) else {
                throw HTTPError(.badRequest, message: "state must be one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.state = state
        }
        if let given = parameters.get("verdict") {
            guard let verdict = Verdict(rawValue: given) else {
                throw HTTPError(.badRequest, message: "verdict must be one of \(Verdict.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.verdict = verdict
        }
        if let given = parameters.get("tag") {
            let parts = given.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("\""), !parts[0].contains("\\") else {
                throw HTTPError(.badRequest, message: "tag must be key:value")
            }
            query.tag = (String(parts[0]), String(parts[1]))
        }
        query.createdAfter = try time(parameters.get("created_after"), "created_after")
        query.createdBefore = try time(parameters.get("created_before"), "created_before")
        if let given = parameters.get("limit") {
            guard let limit = Int(given), (1...1000).contains(limit) else {
                throw HTTPError(.badRequest, message: "limit must be a whole number from 1 to 1000")
            }
            query.limit = limit
        }
        if let given = parameters.get("cursor") {
            guard let cursor = TaskCursor(text: given) else { throw HTTPError(.badRequest, message: "cursor is not one this server gave") }
            query.cursor = cursor
        }
        let page = try await stored { () async throws(StoreError) in try await store.tasks(query) }
        return try JSONResponse.make(TaskList(tasks: page.tasks.map(TaskSummary.init), nextCursor: page.nextCursor?.text))
    }

    private func time(_ text: String?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = try? Date(text, strategy: .iso8601) else {
            throw HTTPError(.badRequest, message: "\(name) must be an RFC 3339 time such as 2025-11-21T00:00:00Z")
        }
        return date
    }

    func show(_ id: String) async throws -> Response {
        guard let task = try await stored({ () async throws(StoreError) in try await store.task(id) }) else {
            throw HTTPError(.notFound, message: "no task \(id) has been seen")
        }
        let history = try await stored { () async throws(StoreError) in try await store.history(id) }
        var index: TaskIndex?
        if task.state == .archived, let folder = task.folder {
            index = try? ArchiveScan(layout: layout).index(of: folder)
        }
        return try JSONResponse.make(TaskDocument(task: task, history: history, index: index))
    }

    func retry(_ id: String) async throws -> Response {
        guard let (task, retried) = try await stored({ () async throws(StoreError) in try await store.retry(id, now: Date()) }) else {
            throw HTTPError(.notFound, message: "no task \(id) has been seen")
        }
        guard retried else {
            throw HTTPError(.conflict, message: "task \(id) is \(task.state.rawValue); only a failed task with results can be retried")
        }
        doorbell.ring()
        return try JSONResponse.make(TaskSummary(task))
    }

    private func stored<T>(_ body: () async throws(StoreError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw HTTPError(error.kind == .unavailable ? .serviceUnavailable : .internalServerError, message: error.description)
        }
    }
}
