import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

/// The API's task documents made straight from a store and an archive: what `darkroom tasks`
/// and `darkroom show` print from the database is what `GET /v1/tasks` and `GET /v1/tasks/{id}`
/// answer, byte for byte.
public struct TaskDocuments: Sendable {
    let store: any TaskStore
    /// Nil where there is none to read (a data folder that has only its database yet): an
    /// archived task is then shown without its index.
    let archive: (any ArchiveStore)?

    public init(store: any TaskStore, archive: (any ArchiveStore)?) {
        self.store = store
        self.archive = archive
    }

    /// A parameter the API would answer 400 for, with the API's message.
    public struct BadQuery: Error, CustomStringConvertible {
        public let description: String
    }

    /// `GET /v1/tasks?…` as JSON.
    public func list(_ parameters: [String: String]) async throws -> Data {
        let query: TaskQuery
        do {
            query = try TaskQuery(parameters: { parameters[$0] })
        } catch let error as HTTPError {
            throw BadQuery(description: error.body ?? "\(error)")
        }
        return try IndexCoding.encoder(pretty: false).encode(try await list(query))
    }

    /// `GET /v1/tasks/{id}` (its first page of history) as JSON; nil for a task never seen.
    public func show(_ key: TaskKey) async throws -> Data? {
        guard let document = try await show(key, history: try HistoryPageRequest(parameters: { _ in nil })) else { return nil }
        return try IndexCoding.encoder(pretty: false).encode(document)
    }

    /// `POST /v1/tasks` as JSON: the task, and whether this call created it.
    public func register(_ registration: Registration, now: Date = Date()) async throws -> (document: Data, created: Bool) {
        let (task, created) = try await store.register(registration, now: now)
        return (try IndexCoding.encoder(pretty: false).encode(TaskSummary(task)), created)
    }

    func list(_ query: TaskQuery) async throws(StoreError) -> TaskList {
        let page = try await store.tasks(query)
        return TaskList(tasks: page.tasks.map(TaskSummary.init), nextCursor: page.nextCursor?.text)
    }

    func show(_ key: TaskKey, history page: HistoryPageRequest) async throws(StoreError) -> TaskDocument? {
        guard let task = try await store.task(key) else { return nil }
        let history = try await store.history(key, after: page.cursor, limit: page.limit)
        var index: TaskIndex?
        if task.state == .archived, let folder = task.folder, let archive {
            index = try? await archive.index(of: folder)
        }
        let events = try await store.events(task: key)
        return TaskDocument(task: task, history: history, index: index, events: events)
    }
}
