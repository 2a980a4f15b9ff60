import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird
import Synchronization

/// `GET /healthz`: the process answers. `GET /readyz`: it can take callbacks and archive them,
/// that is the database takes a write lock, the archive takes a write (a file in its folder, an
/// object in its bucket) and the staging area has more than the reserve free; 503 with the reasons otherwise. The check writes and syncs, and anyone may
/// ask, so it runs at most once per `readinessInterval` (a second) and answers from the last
/// result in between.
/// `GET /metrics`: `ServiceMetrics` in Prometheus' text format.
struct HealthController: Sendable {
    let store: any TaskStore
    let archive: any ArchiveStore
    let metrics: ServiceMetrics
    let minFreeBytes: Int64
    private let last: ReadinessCache

    init(store: any TaskStore, archive: any ArchiveStore, metrics: ServiceMetrics, minFreeBytes: Int64, readinessInterval: Duration) {
        self.store = store
        self.archive = archive
        self.metrics = metrics
        self.minFreeBytes = minFreeBytes
        last = ReadinessCache(interval: readinessInterval)
    }

    func addRoutes(to router: some RouterMethods<DarkroomRequestContext>) {
        router.get("/healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("/readyz") { _, _ in try await ready() }
        router.get("/metrics") { _, _ in try await scrape() }
        for path in ["/healthz", "/readyz", "/metrics"] { MethodNotAllowed.add(to: router, RouterPath(path), allowed: [.get]) }
    }

    func scrape() async throws -> Response {
        let counts: [TaskState: Int]
        let backlog: OutboxBacklog
        do {
            counts = try await store.countByState()
            backlog = try await store.outboxBacklog()
        } catch {
            throw error.httpError
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(
                counts: counts, backlog: backlog, freeBytes: DiskSpace.available(at: archive.stagingRoot), minFreeBytes: minFreeBytes))))
    }

    func ready() async throws -> Response {
        let problems: [String]
        if let recent = last.recent() {
            problems = recent
        } else {
            problems = await check()
            last.store(problems)
        }
        guard problems.isEmpty else {
            return try JSONResponse.make(["status": "unavailable", "problems": problems.joined(separator: "; ")], status: .serviceUnavailable)
        }
        return try JSONResponse.make(["status": "ready"])
    }

    private func check() async -> [String] {
        var problems: [String] = []
        do {
            try await store.checkWritable()
        } catch {
            problems.append(error.description)
        }
        do throws(ArchiveStoreError) {
            try await archive.checkWritable()
        } catch {
            problems.append("archive \(archive.location): \(error)")
        }
        if minFreeBytes > 0, let free = DiskSpace.available(at: archive.stagingRoot), free < minFreeBytes {
            problems.append("staging \(archive.stagingRoot.path): \(free) bytes free, under the reserve of \(minFreeBytes) (--min-free-bytes): downloads wait")
        }
        return problems
    }
}

/// The last readiness result and when it was made.
private final class ReadinessCache: Sendable {
    private let last = Mutex<(at: ContinuousClock.Instant, problems: [String])?>(nil)
    private let interval: Duration

    init(interval: Duration) {
        self.interval = interval
    }

    /// The problems found less than `interval` ago, if a check ran then.
    func recent() -> [String]? {
        last.withLock { value in value.flatMap { ContinuousClock.now - $0.at < interval ? $0.problems : nil } }
    }

    func store(_ problems: [String]) {
        last.withLock { $0 = (.now, problems) }
    }
}
