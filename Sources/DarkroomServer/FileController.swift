import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

/// `GET /v1/tasks/{id}/files/{path}`: an archived file, streamed, with its content type, `Range`
/// (one range, 206 or 416), an `ETag` of its SHA-256 and `If-None-Match` (304).
///
/// Only the paths the task's index file lists (and `index.json`) are served, compared after
/// percent-decoding, so `..`, `%2e%2e` or an absolute path name nothing; and the file's real
/// path, symbolic links resolved, must lie inside the archive, so a link planted in a task folder
/// cannot lead out of it.
struct FileController: Sendable {
    let store: any TaskStore
    let layout: ArchiveLayout
    private let fileIO = FileIO()

    init(store: any TaskStore, layout: ArchiveLayout) {
        self.store = store
        self.layout = layout
    }

    func addRoutes(to router: some RouterMethods<DarkroomRequestContext>) {
        router.get("/v1/tasks/:id/files/**") { request, context in try await serve(request, context: context, head: false) }
        router.head("/v1/tasks/:id/files/**") { request, context in try await serve(request, context: context, head: true) }
    }

    func serve(_ request: Request, context: DarkroomRequestContext, head: Bool) async throws -> Response {
        let id = try context.taskID()
        let path = context.parameters.getCatchAll().map { String($0).removingPercentEncoding ?? "" }.joined(separator: "/")
        let task: TaskRecord?
        do {
            task = try await store.task(id)
        } catch {
            throw error.httpError
        }
        guard let task, task.state == .archived, let folder = task.folder else {
            throw HTTPError(.notFound, message: "task \(id) has no archived files")
        }
        let index: TaskIndex
        do {
            index = try ArchiveScan(layout: layout).index(of: folder)
        } catch {
            throw HTTPError(.internalServerError, message: error.reason)
        }
        let listed = index.files.first { $0.path == path }
        guard listed != nil || path == "index.json", let file = realFile(folder: folder, path: path) else {
            throw HTTPError(.notFound, message: "\(path) is not a file of task \(id)")
        }
        let sha256 = try listed?.sha256 ?? StoredFile(hashing: URL(fileURLWithPath: file.path), as: path).sha256
        let etag = "\"\(sha256)\""
        var headers: HTTPFields = [.contentType: Self.contentType(of: path), .eTag: etag, .acceptRanges: "bytes"]
        if let match = request.headers[.ifNoneMatch], match == "*" || match.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") == etag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        let range = ByteRange(header: request.headers[.range], size: file.size)
        var status = HTTPResponse.Status.ok
        let bytes: ClosedRange<Int>?
        switch range {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(file.size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .part(let part):
            status = .partialContent
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(file.size)"
            bytes = part
        case .whole:
            bytes = file.size > 0 ? 0...(file.size - 1) : nil
        }
        headers[.contentLength] = String(bytes?.count ?? 0)
        guard !head, let bytes else { return Response(status: status, headers: headers) }
        let body = try await fileIO.loadFile(path: file.path, range: bytes, context: context)
        return Response(status: status, headers: headers, body: body)
    }

    /// The file's resolved path and size, when it is a regular file inside the archive.
    private func realFile(folder: String, path: String) -> (path: String, size: Int)? {
        guard ArchiveVerifier.staysInside(path), let root = Self.resolved(layout.root.path),
              let resolved = Self.resolved(layout.url(ofFolder: folder).appendingPathComponent(path).path)
        else { return nil }
        var info = stat()
        guard resolved.hasPrefix(root + "/"), stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return (resolved, Int(info.st_size))
    }

    /// `path` with every symbolic link resolved, or nil when it does not exist.
    private static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    static func contentType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "mp4": "video/mp4"
        case "webm": "video/webm"
        case "mkv": "video/x-matroska"
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "webp": "image/webp"
        case "vtt": "text/vtt; charset=utf-8"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }
}
