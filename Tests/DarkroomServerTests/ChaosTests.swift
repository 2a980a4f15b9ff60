import DarkroomTestSupport
import Foundation
import Testing

/// Three `darkroom serve` processes on one PostgreSQL database and one archive folder, 300
/// succeeded tasks posted across them, each callback repeated and out of order, while the
/// processes are SIGKILLed and started again one after another. At the end every acknowledged
/// task is archived exactly once, `verify` passes, nothing is left in staging and no job is
/// leased. The second process runs on one thread (`--threads 1`: its Swift tasks on its event
/// loop), the others on the default threads, so both arrangements go through the same chaos.
@Suite struct ChaosTests {
    static let taskCount = 300

    @Test func threeProcessesKilledInTurnLoseNothingAndArchiveEachTaskOnce() async throws {
        let folder = try makeTemporaryFolder("chaos")
        let data = folder.appendingPathComponent("data")
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264NoAudio)))
        let media = try TestHTTPServer { request in
            request.path.hasPrefix("/clips/") ? .file(clip, for: request, contentType: "video/mp4") : .notFound()
        }
        let postgres = try await SharedPostgres.shared.server()
        let url = try await postgres.newDatabase("chaos")
        let database = String(url.split(separator: "/").last!.split(separator: "?").first!)
        let cluster = try await Cluster(data: data, environment: ["DARKROOM_DATABASE": url])

        // Each task: an older `processing`, the `succeed`, the `succeed` again, the `processing`
        // again; all 1,200 shuffled (a fixed seed, so a failure can be replayed).
        var deliveries: [(id: String, body: Data)] = []
        for n in 0..<Self.taskCount {
            let id = "chaos-\(n)"
            let succeeded = videoCallback(taskID: id, url: media.url("clips/\(n).mp4"))
            let processing = Data("""
                {"task_id": "\(id)", "task_status": "processing", "created_at": 1763702400000, "updated_at": 1763702430000}
                """.utf8)
            deliveries += [(id, processing), (id, succeeded), (id, succeeded), (id, processing)]
        }
        var generator = SeededGenerator(seed: 20261202)
        deliveries.shuffle(using: &generator)
        let planned = deliveries

        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            let next = Counter()
            for _ in 0..<8 {
                group.addTask {
                    var acknowledged: [String] = []
                    while let index = await next.take(below: planned.count) {
                        let (id, body) = planned[index]
                        try await cluster.deliver(body, attempt: index)
                        acknowledged.append(id)
                    }
                    return acknowledged
                }
            }
            // The killer: one process after another, first while callbacks arrive, then while
            // the archive work goes on, each kill once more tasks are archived.
            group.addTask {
                try await waitUntil("callbacks are arriving", timeout: .seconds(60)) { await next.taken > 300 }
                try await cluster.killAndRestart(0)
                for (round, threshold) in [30, 80, 130, 180, 230].enumerated() {
                    try await waitUntil("\(threshold) tasks are archived", timeout: .seconds(600)) {
                        Int(try await postgres.psql(database, "SELECT count(*) FROM tasks WHERE state = 'archived'")) ?? 0 >= threshold
                    }
                    try await cluster.killAndRestart((round + 1) % 3)
                }
                return []
            }
            return try await group.reduce(into: Set<String>()) { $0.formUnion($1) }
        }
        #expect(acknowledged.count == Self.taskCount)

        try await waitUntil("every task is archived", timeout: .seconds(900)) {
            try await postgres.psql(database, "SELECT count(*) FROM tasks WHERE state = 'archived'") == "\(Self.taskCount)"
        }
        await cluster.stopAll()

        #expect(try await postgres.psql(database, "SELECT count(*) FROM tasks WHERE lease_owner IS NOT NULL OR state <> 'archived'") == "0",
                "no job is left leased or unfinished")
        let catalog = try String(contentsOf: data.appendingPathComponent("archive/index.jsonl"), encoding: .utf8)
        var lines: [String: Int] = [:]
        for line in catalog.split(separator: "\n") {
            guard let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = entry["task_id"] as? String
            else { continue }
            lines[id, default: 0] += 1
        }
        #expect(lines.count == Self.taskCount)
        #expect(lines.values.allSatisfy { $0 == 1 }, "one catalog line per task: \(lines.filter { $0.value != 1 })")
        let day = data.appendingPathComponent("archive/2025/11/21")
        let folders = try FileManager.default.contentsOfDirectory(atPath: day.path)
        #expect(Set(folders) == acknowledged, "one folder per task, and no other")
        let staging = (try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("archive/.staging").path)) ?? []
        #expect(staging.isEmpty, "no staging debris: \(staging)")
        let verify = try await runDarkroom(["verify", "--data", data.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(await cluster.kills == 6)
    }
}

/// The three processes, the ones running now: a killed one is replaced by a new process on the
/// same database and data folder (on a new port).
private actor Cluster {
    private var servers: [ServerProcess]
    private let data: URL
    private let environment: [String: String]
    private static func arguments(_ slot: Int) -> [String] {
        ["--allow-private", "--lease-seconds", "3", "--retry-base-seconds", "1"] + (slot == 1 ? ["--threads", "1"] : [])
    }
    private(set) var kills = 0

    init(data: URL, environment: [String: String]) async throws {
        self.data = data
        self.environment = environment
        var servers: [ServerProcess] = []
        for slot in 0..<3 { servers.append(try await ServerProcess(data: data, arguments: Self.arguments(slot), environment: environment)) }
        self.servers = servers
    }

    func killAndRestart(_ slot: Int) async throws {
        await servers[slot].stop(SIGKILL)
        kills += 1
        servers[slot] = try await ServerProcess(data: data, arguments: Self.arguments(slot), environment: environment)
    }

    /// Posts `body` as a gateway would until one of the processes answers 200: another process
    /// after a refused connection or a 503.
    nonisolated func deliver(_ body: Data, attempt: Int) async throws {
        for round in 0..<600 {
            let server = await servers[(attempt + round) % 3]
            if let answer = try? await server.request("POST", "/v1/callbacks/kling", body: body), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerProcessError.timedOut("a callback is acknowledged")
    }

    func stopAll() async {
        for server in servers { await server.stop() }
    }
}

private actor Counter {
    private(set) var taken = 0

    func take(below limit: Int) -> Int? {
        guard taken < limit else { return nil }
        taken += 1
        return taken - 1
    }
}
