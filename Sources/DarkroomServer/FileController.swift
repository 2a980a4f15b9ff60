import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

/// `GET /v1/tasks/{id}/files/{path}`: an archived file, with its content type, `Range` (one
/// range, 206 or 416), an `ETag` of its SHA-256 and `If-None-Match` (304), and with
/// `?download=1` a `Content-Disposition: attachment` naming it after its task; streamed from the
/// archive, or a redirect (302) to a presigned URL when the archive is a bucket that browsers
/// can reach (`--s3-public-endpoint`).
///
/// Only the paths the task's index file lists (and `index.json`) are served, compared after
/// percent-decoding, so `..`, `%2e%2e` or an absolute path name nothing; the archive checks the
/// rest (`ArchiveStore.file`).
struct FileController: Sendable {
    let store: any TaskStore
    let archive: any ArchiveStore
    private let fileIO = FileIO()

    init(store: any TaskStore, archive: any ArchiveStore) {
        self.store = store
        self.archive = archive
    }

    func addRoutes(to router: some RouterMethods<DarkroomRequestContext>) {
        router.get("/v1/tasks/:id/files/**") { request, context in try await serve(request, context: context, head: false) }
        router.head("/v1/tasks/:id/files/**") { request, context in try await serve(request, context: context, head: true) }
        MethodNotAllowed.add(to: router, "/v1/tasks/:id/files/**", allowed: [.get])
    }

    func serve(_ request: Request, context: DarkroomRequestContext, head: Bool) async throws -> Response {
        let key = try context.task(request)
        let path = context.parameters.getCatchAll().map { String($0).removingPercentEncoding ?? "" }.joined(separator: "/")
        let index = try await Self.archivedIndex(of: key, store: store, archive: archive)
        let found: ArchivedFile?
        do {
            found = try await archive.file(path, of: index, forBrowser: true)
        } catch {
            throw HTTPError(error.unavailable ? .serviceUnavailable : .internalServerError, message: error.description)
        }
        guard let file = found else {
            throw HTTPError(.notFound, message: "\(path) is not a file of task \(key)")
        }
        let reader: ArchivedFile.Reader
        switch file.access {
        case .redirect(let url):
            return Response(status: .found, headers: [.location: url.absoluteString, .cacheControl: "private, no-store"])
        case .read(let how):
            reader = how
        }
        let etag = "\"\(file.sha256)\""
        var headers: HTTPFields = [.contentType: MediaType.of(path), .eTag: etag, .acceptRanges: "bytes"]
        if request.uri.queryParameters.get("download") == "1" {
            // `<task folder>-<path with dashes>`: every part is already safe as a file name.
            let name = URL(fileURLWithPath: index.folder).lastPathComponent + "-" + path.replacingOccurrences(of: "/", with: "-")
            headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        }
        if let match = request.headers[.ifNoneMatch], match == "*" || match.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") == etag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        let size = Int(file.size)
        var status = HTTPResponse.Status.ok
        let bytes: ClosedRange<Int>?
        switch ByteRange(header: request.headers[.range], size: size) {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .part(let part):
            status = .partialContent
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"
            bytes = part
        case .whole:
            bytes = size > 0 ? 0...(size - 1) : nil
        }
        headers[.contentLength] = String(bytes?.count ?? 0)
        guard !head, let bytes else { return Response(status: status, headers: headers) }
        return Response(status: status, headers: headers, body: try await body(reader, bytes, context: context))
    }

    /// The index of task `key`, which must be archived: 404 otherwise, 503 when the archive
    /// cannot be read now.
    static func archivedIndex(of key: TaskKey, store: any TaskStore, archive: any ArchiveStore) async throws -> TaskIndex {
        let task: TaskRecord?
        do {
            task = try await store.task(key)
        } catch {
            throw error.httpError
        }
        guard let task else { throw HTTPError(.notFound, message: "no task \(key) has been seen") }
        // The task is there; its files are not (yet): a 404 would say there is no such task.
        guard task.state == .archived, let folder = task.folder else {
            throw HTTPError(.conflict, message: "task \(key) is \(task.state.rawValue): it has no archived files")
        }
        do {
            return try await archive.index(of: folder)
        } catch {
            throw HTTPError(.serviceUnavailable, message: error.reason)
        }
    }

    private func body(_ reader: ArchivedFile.Reader, _ bytes: ClosedRange<Int>, context: DarkroomRequestContext) async throws -> ResponseBody {
        switch reader {
        case .local(let path):
            return try await fileIO.loadFile(path: path, range: bytes, context: context)
        case .bytes(let data):
            return ResponseBody(byteBuffer: ByteBuffer(bytes: data[bytes]))
        case .ranges(let read):
            // A window at a time: memory stays at one window whatever the file's size, and a
            // slow client slows the reads instead of filling a buffer.
            return ResponseBody(contentLength: bytes.count) { writer in
                var offset = Int64(bytes.lowerBound)
                while offset <= Int64(bytes.upperBound) {
                    let end = min(Int64(bytes.upperBound), offset + ArchivedFile.window - 1)
                    let data = try await read(offset...end)
                    guard Int64(data.count) == end - offset + 1 else { throw HTTPError(.badGateway, message: "the archive's store answered short") }
                    try await writer.write(ByteBuffer(bytes: data))
                    offset = end + 1
                }
                try await writer.finish(nil)
            }
        }
    }
}
