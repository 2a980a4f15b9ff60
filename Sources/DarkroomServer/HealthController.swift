import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

/// `GET /healthz`: the process answers. `GET /readyz`: it can take callbacks and archive them,
/// that is the database takes a write lock and the archive folder takes a file; 503 with the
/// reasons otherwise. `GET /metrics`: `ServiceMetrics` in Prometheus' text format.
struct HealthController: Sendable {
    let store: any TaskStore
    let layout: ArchiveLayout
    let metrics: ServiceMetrics

    func addRoutes(to router: Router<DarkroomRequestContext>) {
        router.get("/healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("/readyz") { _, _ in try await ready() }
        router.get("/metrics") { _, _ in try await scrape() }
    }

    func scrape() async throws -> Response {
        let counts: [TaskState: Int]
        do {
            counts = try await store.countByState()
        } catch {
            throw error.httpError
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(counts: counts))))
    }

    func ready() async throws -> Response {
        var problems: [String] = []
        do {
            try await store.checkWritable()
        } catch {
            problems.append(error.description)
        }
        do throws(FileError) {
            try Folder.make(layout.root)
            try StagedFile.replace(layout.root.appendingPathComponent(".ready"), with: Data("ok\n".utf8))
        } catch {
            problems.append("archive: \(error)")
        }
        guard problems.isEmpty else {
            return try JSONResponse.make(["status": "unavailable", "problems": problems.joined(separator: "; ")], status: .serviceUnavailable)
        }
        return try JSONResponse.make(["status": "ready"])
    }
}
