import DarkroomTestSupport
import Foundation
import Testing

/// `GET /v1/tasks/{id}/files.tar` with the built binary: the whole task in one download, checked
/// by the system's `tar` and `sha256sum`, and cut short rather than sent with a changed file.
@Suite struct TarballTests {
    @Test func anArchivedTaskDownloadsAsOneTar() async throws {
        let folder = try makeTemporaryFolder("tarball")
        let data = folder.appendingPathComponent("data")
        let media = try await clipServer()
        // A task id of 120 characters: its paths in the tar need pax headers (ustar holds 100).
        let id = String(repeating: "long-id-", count: 15)
        let server = try await ServerProcess(data: data, arguments: ["--allow-private"])
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: videoCallback(taskID: id, url: media.url("clip.mp4"))).status == 200)
        let task = try await server.waitForTask(id, "archived")
        let index = try #require(task["index"] as? [String: Any])

        let tar = folder.appendingPathComponent("task.tar")
        let fetched = try await runCommand("curl", ["-s", "-D", "-", "-o", tar.path, server.url("/v1/tasks/\(id)/files.tar").absoluteString])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let headers = fetched.stdout.lowercased()
        #expect(headers.hasPrefix("http/1.1 200"), "\(fetched.stdout)")
        #expect(headers.contains("content-type: application/x-tar"))
        #expect(headers.contains("content-disposition: attachment; filename=\"\(id).tar\""), "\(fetched.stdout)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: tar.path)[.size] as? Int)
        #expect(headers.contains("content-length: \(size)\r\n"), "the length announced is the length sent: \(fetched.stdout)")
        #expect(try await TarCheck.mismatches(tar, index: index, top: id, into: folder.appendingPathComponent("x")) == [])

        let page = try await server.request("GET", "/tasks/\(id)").text
        #expect(page.contains(#"<a href="/v1/tasks/\#(id)/files.tar" download>Download all (.tar)</a>"#), "the gallery links it")

        // A file changed in the archive since its index was written: the tar stops short of it.
        let source = data.appendingPathComponent("archive/2025/11/21/\(id)/videos/v/source.mp4")
        var bytes = try Data(contentsOf: source)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: source)
        let cut = try await runCommand("curl", ["-s", "-o", folder.appendingPathComponent("cut.tar").path, server.url("/v1/tasks/\(id)/files.tar").absoluteString])
        #expect(cut.status == 18, "curl: transfer closed with outstanding data (\(cut.status))")
        #expect(try await server.request("GET", "/v1/tasks/nobody/files.tar").status == 404)
        await server.stop()
    }
}
