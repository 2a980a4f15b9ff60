import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom tasks` and `darkroom show` through the binary: from the store and from a running
/// server (the same bytes either way), as JSON and on a terminal.
@Suite struct TaskCommandsTests {
    /// A server that archived task `shown` and was told that the generator failed `refused`.
    private func archive() async throws -> (ServerProcess, URL, TestHTTPServer) {
        let folder = try makeTemporaryFolder("task-commands")
        let data = folder.appendingPathComponent("data")
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
        let media = try TestHTTPServer { request in .file(clip, for: request, contentType: "video/mp4") }
        let server = try await ServerProcess(data: data, arguments: ["--allow-private"])
        let succeeded = """
            {"task_id": "shown", "task_status": "succeed", "created_at": 1763702400000, "updated_at": 1763702460000,
             "task_result": {"videos": [{"id": "v", "url": "\(media.url("clip.mp4").absoluteString)", "duration": "2"}]}}
            """
        let failed = #"{"task_id": "refused\u001b[31m", "task_status": "failed", "task_status_msg": "policy", "created_at": 1763702500000}"#
        #expect(try await server.request("POST", "/v1/callbacks/kling?project=summer", body: Data(succeeded.utf8)).status == 200)
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: Data(failed.utf8)).status == 200)
        try await server.waitForTask("shown", "archived")
        return (server, data, media)
    }

    @Test func tasksAreListedFromTheStoreAndFromTheServerAlike() async throws {
        let (server, data, _) = try await archive()
        let local = try await runDarkroom(["tasks", "--data", data.path])
        #expect(local.status == 0, "\(local.stderr)")
        let lines = local.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.map { $0?["id"] as? String } == ["refused\u{1b}[31m", "shown"], "newest first, JSON lines off a terminal")
        #expect(lines.last??["verdict"] as? String == "ok" && lines.last??["tags"] as? [String: String] == ["project": "summer"])

        let remote = try await runDarkroom(["tasks", "--server", server.url("").absoluteString])
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout == local.stdout, "the same tasks from the API")

        let archived = try await runDarkroom(["tasks", "--data", data.path, "--state", "archived", "--tag", "project:summer", "--limit", "1"])
        #expect(archived.stdout.split(separator: "\n").count == 1 && archived.stdout.contains(#""id":"shown""#), "\(archived.stdout)")
        let first = try await runDarkroom(["tasks", "--data", data.path, "--limit", "1"])
        #expect(first.stderr.hasPrefix("more: darkroom tasks --cursor "), "\(first.stderr)")
        let bad = try await runDarkroom(["tasks", "--data", data.path, "--state", "done"])
        #expect(bad.status == 64 && bad.stderr.contains("state must be one of waiting"), "\(bad.stderr)")

        // On a terminal: a table, the id's escape sequence shown as text, not sent to the terminal.
        let command = [try darkroomBinary(), "tasks", "--data", data.path].joined(separator: " ")
        let table = try await runCommand("script", ["-qec", command, "/dev/null"])
        #expect(table.status == 0, "\(table.stdout)")
        let rows = table.stdout.split(separator: "\r\n").map(String.init)
        #expect(rows.first?.hasPrefix("TASK") == true && rows.first?.contains("STATE") == true, "\(table.stdout)")
        #expect(rows.contains { $0.hasPrefix("refused\\u{1b}[31m") && $0.contains("failed") }, "\(table.stdout)")
        #expect(rows.contains { $0.hasPrefix("shown") && $0.contains("archived") && $0.contains("2025/11/21/shown") }, "\(table.stdout)")
        #expect(!table.stdout.contains("\u{1b}[31m"))
        await server.stop()
    }

    @Test func aTaskIsShownFromTheStoreAndFromTheServerAlike() async throws {
        let (server, data, _) = try await archive()
        let local = try await runDarkroom(["show", "shown", "--data", data.path, "--json"])
        #expect(local.status == 0, "\(local.stderr)")
        let remote = try await runDarkroom(["show", "shown", "--server", server.url("").absoluteString, "--json"])
        #expect(remote.stdout == local.stdout, "the API's document either way")
        let document = try #require(try JSONSerialization.jsonObject(with: local.stdoutData) as? [String: Any])
        #expect(document["state"] as? String == "archived" && document["index"] is [String: Any])

        let report = try await runDarkroom(["show", "shown", "--data", data.path])
        #expect(report.status == 0, "\(report.stderr)")
        let folder = data.appendingPathComponent("archive/2025/11/21/shown")
        let hash = try await sha256sum(folder.appendingPathComponent("videos/v/source.mp4").path)
        for line in ["task shown", "state archived, verdict ok, generator status succeeded", "folder 2025/11/21/shown", "files:",
                     "  videos/v/source.mp4  ", "sha256 \(hash)", "history:", "succeed  applied"] {
            #expect(report.stdout.contains(line), "\(line) in \(report.stdout)")
        }
        let refused = try await runDarkroom(["show", "refused\u{1b}[31m", "--server", server.url("").absoluteString])
        #expect(refused.stdout.hasPrefix("task refused\\u{1b}[31m\nstate failed, generator status failed\nlast error: policy"), "\(refused.stdout)")

        let unknown = try await runDarkroom(["show", "nobody", "--data", data.path])
        #expect(unknown.status == 1 && unknown.stderr == "darkroom: no task nobody has been seen\n", "\(unknown.stderr)")
        let unknownRemote = try await runDarkroom(["show", "nobody", "--server", server.url("").absoluteString])
        #expect(unknownRemote.status == 1 && unknownRemote.stderr == "darkroom: no task nobody has been seen\n", "\(unknownRemote.stderr)")
        await server.stop()
    }

    /// `darkroom register` on the store and through a server (with its admin token): a waiting
    /// task, the same answer again with a note, bad arguments refused with 64.
    @Test func aTaskIsRegisteredOnTheStoreOrThroughTheServer() async throws {
        let folder = try makeTemporaryFolder("register")
        let data = folder.appendingPathComponent("data")
        let server = try await ServerProcess(data: data, arguments: ["--admin-token", "adm"])
        let remote = try await runDarkroom(["register", "ahead-1", "--action", "image2video", "--tag", "campaign:spring",
                                            "--server", server.url("").absoluteString], environment: ["DARKROOM_ADMIN_TOKEN": "adm"])
        #expect(remote.status == 0, "\(remote.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: remote.stdoutData) as? [String: Any])
        #expect(document["state"] as? String == "waiting" && document["tags"] as? [String: String] == ["campaign": "spring"], "\(document)")
        let again = try await runDarkroom(["register", "ahead-1", "--server", server.url("").absoluteString, "--admin-token", "adm"])
        #expect(again.status == 0 && again.stderr == "task ahead-1 was known already: nothing changed\n", "\(again.stderr)")
        let unauthorized = try await runDarkroom(["register", "ahead-2", "--server", server.url("").absoluteString, "--admin-token", "wrong"])
        #expect(unauthorized.status == 1 && unauthorized.stderr.contains("answered 401"), "\(unauthorized.stderr)")
        await server.stop()

        let local = try await runDarkroom(["register", "ahead-3", "--data", data.path])
        #expect(local.status == 0 && local.stdout.contains(#""id":"ahead-3""#), "\(local.stderr)")
        let shown = try await runDarkroom(["show", "ahead-3", "--data", data.path])
        #expect(shown.stdout.contains("state waiting, generator status submitted"), "\(shown.stdout)")
        let listed = try await runDarkroom(["tasks", "--data", data.path, "--state", "waiting"])
        #expect(Set(listed.stdout.matches(of: /"id":"([^"]+)"/).map { String($0.1) }) == ["ahead-1", "ahead-3"], "\(listed.stdout)")
        for bad in [["register", "x", "--action", "../admin", "--data", data.path], ["register", "x", "--tag", "nocolon", "--data", data.path],
                    ["register", "x", "--poll-url", "ftp://h/{task_id}", "--data", data.path]] {
            let refused = try await runDarkroom(bad)
            #expect(refused.status == 64, "\(bad): \(refused.stderr)")
        }
    }
}
