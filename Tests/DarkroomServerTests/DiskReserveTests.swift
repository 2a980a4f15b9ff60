import DarkroomCore
import DarkroomServer
import DarkroomTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// Below the free-space reserve nothing is downloaded: the task waits (queued, its attempt not
/// counted, the reason on the task) and `/readyz` says why.
@Suite struct DiskReserveTests {
    @Test func underTheReserveATaskWaitsAndReadinessSaysWhy() async throws {
        let media = try await clipServer()
        let settings = try archivingSettings("reserve") { $0.minFreeBytes = Int64.max / 2 }
        try await withRouter(settings) { client in
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect((ready.json?["problems"] as? String)?.contains("under the reserve of \(Int64.max / 2) (--min-free-bytes)") == true, "\(ready.json ?? [:])")

            #expect(try await client.postCallback(videoCallback(taskID: "reserve-1", url: media.url("clip.mp4"))).status == .ok)
            var task: [String: Any] = [:]
            try await waitUntil("the task is given back for want of space", timeout: .seconds(30)) {
                task = try await client.execute(uri: "/v1/tasks/reserve-1", method: .get).json ?? [:]
                return (task["last_error"] as? String)?.contains("the task waits for space") == true
            }
            #expect(task["state"] as? String == "queued", "\(task)")
            #expect(task["attempts"] as? Int == 0, "waiting for space is not an attempt")
            #expect(media.receivedRequests.isEmpty, "nothing was downloaded")
        }
    }

    /// Above the reserve, a body whose announced length would take the disk under it is not
    /// taken: the task waits the same way, having asked once and written nothing.
    @Test func aBodyThatWouldCrossTheReserveIsNotTakenAndTheTaskWaits() async throws {
        let announced = 3_900_000_000
        let media = try TestHTTPServer { _ in TestHTTPResponse(body: Data(count: 1024), contentLength: announced, dropAfter: 1024) }
        let settings = try archivingSettings("reserve-length") { settings in
            // About a gigabyte under what is free now: the task may start, the body may not come.
            let free = DiskSpace.available(at: settings.data) ?? 0
            settings.minFreeBytes = max(1, free - (1 << 30))
        }
        try await withRouter(settings) { client in
            #expect(try await client.postCallback(videoCallback(taskID: "reserve-2", url: media.url("huge.mp4"))).status == .ok)
            var task: [String: Any] = [:]
            try await waitUntil("the task waits for space", timeout: .seconds(30)) {
                task = try await client.execute(uri: "/v1/tasks/reserve-2", method: .get).json ?? [:]
                return (task["last_error"] as? String)?.contains("needs \(announced) bytes but only") == true
            }
            #expect(task["state"] as? String == "queued", "\(task)")
            #expect(task["attempts"] as? Int == 0, "waiting for space is not an attempt")
            #expect((task["last_error"] as? String)?.contains("(--min-free-bytes); the task waits for space") == true, "\(task)")
        }
    }
}

/// `/readyz` writes and syncs a file, and anyone may ask: it checks at most once per interval
/// and answers from the last check in between. `/metrics` shows the free bytes beside the reserve.
@Suite struct ReadinessTests {
    private func readyMarker(_ settings: ServerSettings) -> String {
        settings.data.appendingPathComponent("archive/.ready").path
    }

    private func inode(_ path: String) throws -> UInt64 {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64)
    }

    @Test(arguments: [false, true])
    func readinessIsCheckedAtMostOncePerInterval(cached: Bool) async throws {
        let settings = try testSettings("readiness") { $0.readinessInterval = cached ? .seconds(3600) : .zero }
        try await withRouter(settings) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let first = try inode(readyMarker(settings))
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let second = try inode(readyMarker(settings))
            #expect((first == second) == cached, "the check rewrites its file only when the last one is older than the interval")
        }
    }

    @Test func metricsShowTheFreeBytesAndTheReserve() async throws {
        try await withRouter(try testSettings("metrics-disk")) { client in
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(text.contains("darkroom_archive_min_free_bytes 2147483648"), "\(text)")
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("darkroom_archive_free_bytes ") })
            #expect((Double(line.split(separator: " ")[1]) ?? 0) > 0, "\(line)")
        }
    }
}

/// `--max-task-bytes`: a task's results together never pass it; the result that would is
/// `too_large` and the others are archived.
@Suite struct TaskByteCapTests {
    @Test func aResultPastTheTasksCapIsTooLargeAndTheRestIsArchived() async throws {
        let media = try await clipServer()
        let clipBytes = Int64(try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC))).count)
        let settings = try archivingSettings("task-cap") {
            $0.maxTaskBytes = clipBytes * 3 / 2
        }
        let body = Data("""
            {"task_id": "cap-1", "task_status": "succeed", "created_at": 1763702400000, "updated_at": 1763702460000,
             "task_result": {"videos": [{"id": "a", "url": "\(media.url("a.mp4").absoluteString)", "duration": "2"},
                                        {"id": "b", "url": "\(media.url("b.mp4").absoluteString)", "duration": "2"}]}}
            """.utf8)
        try await withRouter(settings) { client in
            try await client.archive(body, id: "cap-1")
            let task = try #require(try await client.execute(uri: "/v1/tasks/cap-1", method: .get).json)
            let index = try #require(task["index"] as? [String: Any])
            let problems = try #require(index["problems"] as? [[String: Any]])
            #expect(problems.compactMap { $0["kind"] as? String } == ["too_large"], "\(problems)")
            #expect((problems.first?["message"] as? String)?.contains("larger than its limit of \(clipBytes * 3 / 2) bytes (--max-task-bytes)") == true,
                    "\(problems)")
            let videos = try #require(index["videos"] as? [[String: Any]])
            #expect(videos.filter { $0["source"] != nil }.count == 1, "one video within the cap is archived")
        }
    }
}
