import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom demo`: a sample clip made, served on loopback, posted signed, archived, and shown.
@Suite struct DemoCommandTests {
    @Test func theDemoArchivesASampleTaskOnItsOwn() async throws {
        let data = try makeTemporaryFolder("demo").appendingPathComponent("data")
        let result = try await runDarkroom(["demo", "--data", data.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("archived task demo-"), "\(result.stdout)")
        #expect(result.stdout.contains("(verdict ok)"), "\(result.stdout)")
        let indexLine = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("index file:") })
        let index = String(indexLine.dropFirst("index file:".count)).trimmingCharacters(in: .whitespaces)
        #expect(index.hasPrefix(data.path + "/archive/"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: index))) as? [String: Any])
        let video = try #require((json["videos"] as? [[String: Any]])?.first)
        #expect((video["duration_check"] as? [String: Any])?["ok"] as? Bool == true)
        #expect(try await runDarkroom(["verify", "--data", data.path]).status == 0)
    }

    @Test func theDemoPostsToARunningServerWithItsToken() async throws {
        let data = try makeTemporaryFolder("demo-server").appendingPathComponent("data")
        let server = try await ServerProcess(data: data, arguments: ["--allow-private", "--token", "d3mo", "--admin-token", "adm"])
        let url = "http://127.0.0.1:\(server.port)"
        let refused = try await runDarkroom(["demo", "--server", url])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the server answered 401"), "\(refused.stderr)")
        let result = try await runDarkroom(["demo", "--server", url, "--token", "d3mo", "--admin-token", "adm"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("task JSON:   \(url)/v1/tasks/demo-"), "\(result.stdout)")
        #expect(!result.stdout.contains("<the server's data folder>"), "no placeholder: \(result.stdout)")
        let folderLine = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("task folder: ") })
        let folder = String(folderLine.dropFirst("task folder: ".count).prefix { $0 != " " })
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("archive/\(folder)").path, isDirectory: &isFolder) && isFolder.boolValue,
                "the folder named is the task's: \(folder)")
        await server.stop()
        #expect(try await runDarkroom(["verify", "--data", data.path]).stdout.hasPrefix("verified 1 task(s)"))
    }
}
