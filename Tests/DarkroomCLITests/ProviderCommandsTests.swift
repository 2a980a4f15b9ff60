import DarkroomCore
import DarkroomQueue
import DarkroomTestSupport
import Foundation
import Testing

/// The task commands name a task by its provider and its id (`--provider`, Kling's when not
/// given), through the binary, on a store holding a gateway's task and Kling's with one id.
@Suite struct ProviderCommandsTests {
    private func dataWithTwoTasks() async throws -> URL {
        let data = try makeTemporaryFolder("provider-commands")
        let store = try SQLiteTaskStore(path: data.appendingPathComponent("darkroom.sqlite").path)
        for provider in ["kling", "gateway"] {
            let event = CallbackEvent(provider: provider, taskID: "t1", shape: .new, status: .processing, statusSpelling: "processing",
                                      message: "from \(provider)")
            _ = try await store.record(ReceivedCallback(event: event, body: Data("{}".utf8), receivedAt: Date()))
        }
        return data
    }

    @Test func tasksAndShowTakeTheProvider() async throws {
        let data = try await dataWithTwoTasks()
        let gateways = try await runDarkroom(["tasks", "--data", data.path, "--provider", "gateway"])
        #expect(gateways.status == 0, "\(gateways.stderr)")
        let listed = gateways.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(listed.map { $0?["provider"] as? String } == ["gateway"] && listed.first??["message"] as? String == "from gateway")

        let shown = try await runDarkroom(["show", "t1", "--data", data.path, "--provider", "gateway", "--json"])
        let document = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect(document?["provider"] as? String == "gateway" && document?["message"] as? String == "from gateway", "\(shown.stderr)")
        let klings = try await runDarkroom(["show", "t1", "--data", data.path])
        #expect(klings.status == 0 && klings.stdout.hasPrefix("task t1\n"), "\(klings.stdout)\(klings.stderr)")
        let text = try await runDarkroom(["show", "t1", "--data", data.path, "--provider", "gateway"])
        #expect(text.stdout.hasPrefix("task gateway:t1\n"), "\(text.stdout)")

        let command = [try darkroomBinary(), "tasks", "--data", data.path].joined(separator: " ")
        let table = try await runCommand("script", ["-qec", command, "/dev/null"])
        let rows = table.stdout.split(separator: "\r\n").map(String.init)
        #expect(rows.contains { $0.hasPrefix("gateway:t1 ") } && rows.contains { $0.hasPrefix("t1 ") }, "\(table.stdout)")
    }

    @Test func anUnknownProviderIsNoTaskAndNoRegistration() async throws {
        let data = try await dataWithTwoTasks()
        let shown = try await runDarkroom(["show", "t1", "--data", data.path, "--provider", "nobody"])
        #expect(shown.status == 1 && shown.stderr.contains("no task nobody:t1 has been seen"), "\(shown.stderr)")
        let retried = try await runDarkroom(["retry", "t1", "--data", data.path, "--provider", "nobody"])
        #expect(retried.status == 1 && retried.stderr.contains("no task nobody:t1 has been seen"), "\(retried.stderr)")
        let registered = try await runDarkroom(["register", "r1", "--data", data.path, "--provider", "nobody"])
        #expect(registered.status == 64 && registered.stderr.contains("provider must be one Darkroom knows: kling"), "\(registered.stderr)")
        let bad = try await runDarkroom(["tasks", "--data", data.path, "--provider", "No Such"])
        #expect(bad.status == 64 && bad.stderr.contains("provider must be 1 to 32 of a-z, 0-9 and -"), "\(bad.stderr)")
    }
}
