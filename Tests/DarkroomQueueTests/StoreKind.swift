import DarkroomQueue
import DarkroomTestSupport
import Foundation

/// Which store a test runs on: every rule must hold for all three.
enum StoreKind: String, CaseIterable, Sendable {
    case sqlite
    case memory
    case postgres

    /// An empty store of this kind: a new SQLite file, a new PostgreSQL database.
    func makeStore() async throws -> any TaskStore {
        switch self {
        case .sqlite: try SQLiteTaskStore(path: makeTemporaryFolder("store").appendingPathComponent("darkroom.sqlite").path)
        case .memory: MemoryTaskStore()
        case .postgres: try await openPostgresStore(try await SharedPostgres.shared.server().newDatabase("contract"))
        }
    }
}
