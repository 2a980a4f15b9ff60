import Foundation
import Logging

/// Which task store to open and how long to wait for it: the one place that chooses between
/// SQLite and PostgreSQL, for `serve` and the verbs that read the store.
public struct TaskStoreSettings: Sendable {
    public var database: DatabaseSetting
    /// PostgreSQL: the most connections the pool opens.
    public var connections = 10
    /// How long an operation waits for the database (SQLite: a lock; PostgreSQL: a connection
    /// and its answer) before it fails `unavailable`, answered 503.
    public var timeout: Duration = .seconds(5)

    public init(database: DatabaseSetting) {
        self.database = database
    }

    /// The SQLite file `darkroom.sqlite` in `data`: the embedded default.
    public init(data: URL) {
        self.init(database: .sqlite(path: data.appendingPathComponent("darkroom.sqlite").path))
    }

    /// Opens the store, migrated to this binary's schema. A PostgreSQL store's pool runs only
    /// while its `run(jobQueued:)` does.
    public func open(logger: Logger) async throws(StoreError) -> any TaskStore {
        switch database {
        case .sqlite(let path):
            try SQLiteTaskStore(path: path, busyTimeout: timeout.timeInterval)
        case .postgres(let address):
            try await PostgresTaskStore.open(address, connections: connections, timeout: timeout, logger: logger)
        }
    }

    /// Opens the store and runs it for as long as `body` does: what a command that is not a
    /// long-running service needs.
    public func withStore<T: Sendable>(logger: Logger, _ body: (any TaskStore) async throws -> T) async throws -> T {
        let store = try await open(logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run(jobQueued: {}) }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }
}
