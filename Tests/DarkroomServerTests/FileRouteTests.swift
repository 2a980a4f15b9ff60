import DarkroomCore
import DarkroomServer
import DarkroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /v1/tasks/{id}/files/{path}` on a task the running workers archived: content types,
/// Range, ETag, and no way out of the archive.
@Suite struct FileRouteTests {
    /// Archives one task through the router's own workers and runs `test` with its folder.
    private func withArchivedTask(_ test: @Sendable (any TestClientProtocol, URL) async throws -> Void) async throws {
        let media = try await clipServer()
        let settings = try archivingSettings("files")
        try await withRouter(settings) { client in
            try await client.archive(videoCallback(taskID: "files-1", url: media.url("clip.mp4")), id: "files-1")
            try await test(client, settings.data.appendingPathComponent("archive/2025/11/21/files-1"))
        }
    }

    private func get(_ client: any TestClientProtocol, _ path: String, _ headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.execute(uri: "/v1/tasks/files-1/files/" + path, method: .get, headers: headers)
    }

    @Test func filesComeWithTheirTypeLengthAndETag() async throws {
        try await withArchivedTask { client, folder in
            let poster = try Data(contentsOf: folder.appendingPathComponent("videos/v/poster.jpg"))
            let response = try await get(client, "videos/v/poster.jpg")
            #expect(response.status == .ok)
            #expect(Data(buffer: response.body) == poster)
            #expect(response.headers[.contentType] == "image/jpeg")
            #expect(response.headers[.contentLength] == String(poster.count))
            #expect(response.headers[.acceptRanges] == "bytes")
            let sha = try await sha256sum(folder.appendingPathComponent("videos/v/poster.jpg").path)
            #expect(response.headers[.eTag] == "\"\(sha)\"")

            #expect(try await get(client, "videos/v/web.mp4").headers[.contentType] == "video/mp4")
            #expect(try await get(client, "videos/v/storyboard.vtt").headers[.contentType] == "text/vtt; charset=utf-8")
            let index = try await get(client, "index.json")
            #expect(index.status == .ok)
            #expect(Data(buffer: index.body) == (try Data(contentsOf: folder.appendingPathComponent("index.json"))))

            let head = try await client.execute(uri: "/v1/tasks/files-1/files/videos/v/poster.jpg", method: .head)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(poster.count))
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test func rangesAndConditionalRequests() async throws {
        try await withArchivedTask { client, folder in
            let web = try Data(contentsOf: folder.appendingPathComponent("videos/v/web.mp4"))
            let size = web.count
            for (header, expected) in [
                ("bytes=0-99", 0...99), ("bytes=100-199", 100...199), ("bytes=-50", (size - 50)...(size - 1)),
                ("bytes=\(size - 10)-", (size - 10)...(size - 1)), ("bytes=\(size - 5)-\(size + 100)", (size - 5)...(size - 1)),
            ] {
                let response = try await get(client, "videos/v/web.mp4", [.range: header])
                #expect(response.status == .partialContent, "\(header)")
                #expect(response.headers[.contentRange] == "bytes \(expected.lowerBound)-\(expected.upperBound)/\(size)", "\(header)")
                #expect(Data(buffer: response.body) == web.subdata(in: expected.lowerBound..<(expected.upperBound + 1)), "\(header)")
            }
            let beyond = try await get(client, "videos/v/web.mp4", [.range: "bytes=\(size)-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */\(size)")
            let several = try await get(client, "videos/v/web.mp4", [.range: "bytes=0-1,5-6"])
            #expect(several.status == .ok && several.body.readableBytes == size, "several ranges: the whole file")

            let etag = try #require(try await get(client, "videos/v/web.mp4").headers[.eTag])
            #expect(try await get(client, "videos/v/web.mp4", [.ifNoneMatch: etag]).status == .notModified)
            #expect(try await get(client, "videos/v/web.mp4", [.ifNoneMatch: "\"other\""]).status == .ok)
        }
    }

    /// Nothing outside the task's index, and nothing outside the archive, even through a link.
    @Test func noPathLeadsOutOfTheArchive() async throws {
        try await withArchivedTask { client, folder in
            for path in ["../../../../darkroom.sqlite", "%2e%2e/%2e%2e/%2e%2e/%2e%2e/darkroom.sqlite", "/etc/passwd",
                         "videos/v/../../index.json", "videos/v/source.download", "callback.json/../index.json", "videos/v"] {
                let response = try await get(client, path)
                #expect(response.status == .notFound, "\(path)")
            }
            let outside = try makeTemporaryFolder("outside")
            try Data("secret".utf8).write(to: outside.appendingPathComponent("01.jpg"))
            let thumbs = folder.appendingPathComponent("videos/v/thumbs")
            try FileManager.default.removeItem(at: thumbs)
            try FileManager.default.createSymbolicLink(at: thumbs, withDestinationURL: outside)
            #expect(try await get(client, "videos/v/thumbs/01.jpg").status == .notFound, "a linked folder")
            let poster = folder.appendingPathComponent("videos/v/poster.jpg")
            try FileManager.default.removeItem(at: poster)
            try FileManager.default.createSymbolicLink(at: poster, withDestinationURL: outside.appendingPathComponent("01.jpg"))
            #expect(try await get(client, "videos/v/poster.jpg").status == .notFound, "a linked file")

            #expect(try await client.execute(uri: "/v1/tasks/nobody/files/index.json", method: .get).status == .notFound)
        }
    }
}
