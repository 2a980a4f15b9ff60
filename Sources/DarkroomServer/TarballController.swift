import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

/// `GET /v1/tasks/{id}/files.tar`: every file of an archived task in one download, a tar
/// streamed as it is read (`TaskTarball`), behind the admin check like the files themselves.
struct TarballController: Sendable {
    let store: any TaskStore
    let archive: any ArchiveStore

    func addRoutes(to router: some RouterMethods<DarkroomRequestContext>) {
        router.get("/v1/tasks/:id/files.tar") { request, context in try await tarball(try context.task(request)) }
        MethodNotAllowed.add(to: router, "/v1/tasks/:id/files.tar", allowed: [.get])
    }

    func tarball(_ key: TaskKey) async throws -> Response {
        let index = try await FileController.archivedIndex(of: key, store: store, archive: archive)
        let made: TaskTarball?
        do {
            made = try await TaskTarball.make(index, from: archive)
        } catch {
            throw HTTPError(error.unavailable ? .serviceUnavailable : .internalServerError, message: error.description)
        }
        guard let tarball = made else { throw HTTPError(.notFound, message: "a file the index of task \(key) lists is not in the archive") }
        // The folder's name is the task's key made safe for a path; the header names it as is.
        let name = URL(fileURLWithPath: index.folder).lastPathComponent + ".tar"
        let headers: HTTPFields = [
            .contentType: "application/x-tar", .contentLength: String(tarball.contentLength),
            .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "private, no-store",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: tarball.contentLength) { writer in
            try await tarball.write(to: &writer)
        })
    }
}
