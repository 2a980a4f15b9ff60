import DarkroomTestSupport
import Foundation
import Testing

/// `darkroom serve`'s settings: a flag wins over `DARKROOM_*`, which wins over the config file.
@Suite struct ServeSettingsTests {
    /// Every flag of `serve --help` is also a key of the config file, and docs/service.md or
    /// docs/media.md documents that key with its default: a setting added without either fails.
    @Test func everyFlagIsAConfigKeyAndDocumented() async throws {
        let help = try await runDarkroom(["serve", "--help"])
        let flags = Set(help.stdout.matches(of: /--([a-z0-9][a-z0-9-]+)/).map { String($0.1) }).subtracting(["config", "help", "version"])
        #expect(flags.count > 40, "\(flags)")
        let folder = try makeTemporaryFolder("serve-keys")
        let config = folder.appendingPathComponent("darkroom.json")
        try Data(#"{"no-such-setting": 1}"#.utf8).write(to: config)
        let refused = try await runDarkroom(["serve", "--data", folder.path, "--config", config.path])
        let known = try #require(refused.stderr.firstMatch(of: /\(known: ([^)]*)\)/)).1.split(separator: ", ").map(String.init)
        #expect(flags.subtracting(known).sorted() == [], "flags that are no config key")
        let docs = try ["docs/service.md", "docs/media.md"].map { try String(contentsOf: RepositoryFiles.root.appendingPathComponent($0), encoding: .utf8) }.joined()
        #expect(Set(known).filter { !docs.contains("`\($0)`") }.sorted() == [], "config keys the docs do not name")
    }

    @Test func flagsThenEnvironmentThenConfigFile() async throws {
        let folder = try makeTemporaryFolder("serve-settings")
        let config = folder.appendingPathComponent("darkroom.json")
        try Data(#"{"token": ["from-file"], "body-limit": 4096, "download-workers": 0, "media-workers": 0}"#.utf8).write(to: config)
        let body = try RepositoryFiles.sampleCallback("legacy-processing.json")

        // The file alone: its token and its body limit.
        let fromFile = try await ServerProcess(data: folder.appendingPathComponent("a"), arguments: ["--config", config.path])
        #expect(try await fromFile.request("POST", "/v1/callbacks/kling?token=from-file", body: body).status == 200)
        #expect(try await fromFile.request("POST", "/v1/callbacks/kling?token=from-file", body: Data(count: 5000)).status == 413)
        await fromFile.stop()

        // The environment over the file, a flag over the environment.
        let layered = try await ServerProcess(
            data: folder.appendingPathComponent("b"), arguments: ["--token", "from-flag"],
            environment: ["DARKROOM_CONFIG": config.path, "DARKROOM_TOKEN": "from-env", "DARKROOM_BODY_LIMIT": "100000"])
        #expect(try await layered.request("POST", "/v1/callbacks/kling?token=from-flag", body: body).status == 200)
        #expect(try await layered.request("POST", "/v1/callbacks/kling?token=from-env", body: body).status == 401)
        #expect(try await layered.request("POST", "/v1/callbacks/kling?token=from-file", body: body).status == 401)
        #expect(try await layered.request("POST", "/v1/callbacks/kling?token=from-flag", body: Data(count: 5000)).status == 400,
                "the environment's body limit, not the file's: too short a body for JSON, not too large")
        await layered.stop()
    }

    @Test func badSettingsStopTheServerWithAReason() async throws {
        let folder = try makeTemporaryFolder("serve-bad-settings")
        let config = folder.appendingPathComponent("darkroom.json")
        try Data(#"{"tokens": ["typo"]}"#.utf8).write(to: config)
        let unknownKey = try await runDarkroom(["serve", "--data", folder.path, "--config", config.path])
        #expect(unknownKey.status == 64)
        #expect(unknownKey.stderr.contains(#"unknown key "tokens""#), "\(unknownKey.stderr)")

        try Data(#"{"token": ["a"],}"#.utf8).write(to: config)
        let notJSON = try await runDarkroom(["serve", "--data", folder.path, "--config", config.path])
        #expect(notJSON.status == 64)
        #expect(notJSON.stderr.contains("not valid JSON (expected a quoted key at byte 16)"), "\(notJSON.stderr)")

        let open = try await runDarkroom(["serve", "--data", folder.path, "--host", "0.0.0.0", "--port", "0"])
        #expect(open.status == 64)
        #expect(open.stderr.contains("neither --webhook-secret nor --token"), "\(open.stderr)")

        let badSecret = try await runDarkroom(["serve", "--data", folder.path, "--webhook-secret", "not base64!"])
        #expect(badSecret.status == 64)
        #expect(badSecret.stderr.contains("a webhook secret must be whsec_"), "\(badSecret.stderr)")

        let noThread = try await runDarkroom(["serve", "--data", folder.path, "--threads", "0"])
        #expect(noThread.status == 64)
        #expect(noThread.stderr.contains("threads must be a whole number from 1 to 1024 (got 0)"), "\(noThread.stderr)")
    }

    @Test func aHostIsLoopbackByItsAddressNotItsSpelling() async throws {
        let folder = try makeTemporaryFolder("serve-host")
        for host in ["127.evil.com", "localhost.evil.com", "127.0.0.1.nip.io"] {
            let named = try await runDarkroom(["serve", "--data", folder.path, "--host", host, "--port", "0"], timeout: .seconds(30))
            #expect(named.status == 64, "\(host) started without authentication")
            #expect(named.stderr.contains("neither --webhook-secret nor --token"), "\(host): \(named.stderr)")
        }
        let loopback = try await ServerProcess(data: folder.appendingPathComponent("a"), arguments: ["--host", "127.0.0.1"])
        #expect(try await loopback.request("GET", "/healthz").status == 200)
        await loopback.stop()
    }

    @Test func anEmptyTokenStopsTheServerFromEveryLayer() async throws {
        let folder = try makeTemporaryFolder("serve-empty-token")
        let config = folder.appendingPathComponent("darkroom.json")
        try Data(#"{"admin-token": [""]}"#.utf8).write(to: config)
        let cases: [([String], [String: String], String)] = [
            (["--token", ""], [:], "a --token is empty"),
            (["--admin-token", ""], [:], "an --admin-token is empty"),
            (["--config", config.path], [:], "an --admin-token is empty"),
            ([], ["DARKROOM_TOKEN": ""], "a --token is empty"),
            ([], ["DARKROOM_ADMIN_TOKEN": " "], "an --admin-token is empty"),
        ]
        for (arguments, environment, message) in cases {
            let run = try await runDarkroom(["serve", "--data", folder.path, "--port", "0"] + arguments, environment: environment, timeout: .seconds(30))
            #expect(run.status == 64, "\(arguments) \(environment)")
            #expect(run.stderr.contains(message), "\(arguments) \(environment): \(run.stderr)")
        }
        let short = try await ServerProcess(data: folder.appendingPathComponent("s"), arguments: ["--token", "abc"])
        #expect(try await short.request("POST", "/v1/callbacks/kling?token=", body: try RepositoryFiles.sampleCallback("legacy-processing.json")).status == 401)
        await short.stop()
        #expect(short.logText.contains("a --token of 3 characters is short enough to guess"), "\(short.logText)")
    }

    /// `--threads` is the number of event loops (NIO names their threads `NIO-SGLTN-<group>-#<n>`),
    /// and a process on one thread takes callbacks like any other.
    @Test(arguments: [1, 3]) func threadsAreTheEventLoops(_ threads: Int) async throws {
        let folder = try makeTemporaryFolder("serve-threads")
        let server = try await ServerProcess(data: folder, arguments: ["--threads", String(threads)])
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: try RepositoryFiles.sampleCallback("legacy-processing.json")).status == 200)
        let names = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(server.pid)/task").map { task in
            try String(contentsOfFile: "/proc/\(server.pid)/task/\(task)/comm", encoding: .utf8)
        }
        await server.stop()
        #expect(names.filter { $0.hasPrefix("NIO-SGLTN-") }.count == threads, "\(names)")
    }
}

/// `--database` that cannot be used: a URL that does not parse is bad usage (64), a database that
/// cannot be reached stops the server (1); neither message shows the password.
@Suite struct DatabaseSettingTests {
    @Test func aBadOrUnreachableDatabaseStopsTheServerWithoutShowingThePassword() async throws {
        let folder = try makeTemporaryFolder("serve-database")
        let malformed = try await runDarkroom(["serve", "--data", folder.path, "--database", "postgres://app:hunter2@db.internal"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("name the database"), "\(malformed.stderr)")
        #expect(!malformed.stderr.contains("hunter2"))

        let unreachable = try await runDarkroom(["serve", "--data", folder.path, "--port", "0"],
                                                environment: ["DARKROOM_DATABASE": "postgres://app:hunter2@127.0.0.1:\(try freePort())/darkroom?sslmode=disable"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("the task store postgres://app@127.0.0.1:"), "\(unreachable.stderr)")
        #expect(!unreachable.stderr.contains("hunter2"))

        let retry = try await runDarkroom(["retry", "t1", "--database", "mysql://app:hunter2@db/x"])
        #expect(retry.status == 64)
        #expect(!retry.stderr.contains("hunter2"), "\(retry.stderr)")
    }
}
