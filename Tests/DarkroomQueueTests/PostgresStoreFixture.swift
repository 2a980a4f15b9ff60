import DarkroomQueue
import Logging

/// A PostgreSQL store on `url`, its pool running until the test process ends. A test holds the
/// store as any other store, so the pool runs in a task of its own rather than around each test's
/// body; the few idle connections it keeps are the server's to spare. The time-out is generous:
/// the suite runs beside tests that load both cores, and only the outage test is about it.
func openPostgresStore(
    _ url: String, timeout: Duration = .seconds(30), jobQueued: @escaping @Sendable () -> Void = {}
) async throws -> PostgresTaskStore {
    guard case .postgres(let address) = try DatabaseSetting(parsing: url) else { throw StoreError(.failed, "not a postgres URL: \(url)") }
    let store = try await PostgresTaskStore.open(address, connections: 4, timeout: timeout, logger: Logger(label: "test-store"))
    Task { await store.run(jobQueued: jobQueued) }
    return store
}
