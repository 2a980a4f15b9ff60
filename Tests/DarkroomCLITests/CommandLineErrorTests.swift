import DarkroomTestSupport
import Foundation
import Testing

/// What a person who mistypes gets: a message naming what is wrong, and a non-zero exit.
@Suite struct CommandLineErrorTests {
    @Test func verifyAndReindexOfAFolderThatDoesNotExistFail() async throws {
        for verb in ["verify", "reindex"] {
            let missing = try await runDarkroom([verb, "--data", "/nonexistent/darkroom-data"])
            #expect(missing.status == 1, "\(verb)")
            #expect(missing.stderr == "darkroom: no data folder at /nonexistent/darkroom-data (--data, or $DARKROOM_DATA)\n", "\(missing.stderr)")
            #expect(missing.stdout.isEmpty)
        }
        let folder = try makeTemporaryFolder("no-archive")
        let noArchive = try await runDarkroom(["verify", "--data", folder.path])
        #expect(noArchive.status == 1)
        #expect(noArchive.stderr == "darkroom: \(folder.path) holds no archive (no archive/ folder in it)\n", "\(noArchive.stderr)")

        try FileManager.default.createDirectory(at: folder.appendingPathComponent("archive"), withIntermediateDirectories: true)
        let empty = try await runDarkroom(["verify", "--data", folder.path])
        #expect(empty.status == 0)
        #expect(empty.stdout == "the archive \(folder.appendingPathComponent("archive").path) is empty: no task to verify\n", "\(empty.stdout)")
    }

    @Test func aPortOutOfRangeIsRefused() async throws {
        let folder = try makeTemporaryFolder("serve-port")
        for port in ["99999", "65536", "-1"] {
            let result = try await runDarkroom(["serve", "--data", folder.path, "--port=\(port)"])
            #expect(result.status == 64, "\(port): \(result.stderr)")
            #expect(result.stderr.contains("port must be a whole number from 0 to 65535 (got \(port))"), "\(result.stderr)")
        }
    }

    @Test func aPortInUseSaysSoOnOneLine() async throws {
        let folder = try makeTemporaryFolder("serve-in-use")
        let first = try await ServerProcess(data: folder.appendingPathComponent("a"))
        let second = try await runDarkroom(["serve", "--data", folder.appendingPathComponent("b").path, "--port", String(first.port)],
                                           timeout: .seconds(60))
        #expect(second.status == 1)
        #expect(second.stderr == "darkroom: cannot listen on 127.0.0.1:\(first.port): the address is in use (another darkroom, or another program?)\n",
                "\(second.stderr)")
        #expect(first.isRunning)
        await first.stop()
    }

    /// One convention for every verb: 64 when the command line cannot be used, and the help says so.
    @Test func aBadFlagExits64OnEveryVerbAndTheHelpSaysSo() async throws {
        for verb in ["serve", "demo", "retry", "process", "verify", "reindex", "probe", "media", "fetch"] {
            let result = try await runDarkroom([verb, "--no-such-flag"])
            #expect(result.status == 64, "\(verb): \(result.stderr)")
        }
        let help = try await runDarkroom(["--help"])
        #expect(help.stdout.contains("Exit codes, for every verb: 0 done; 1 the work failed"), "\(help.stdout)")
        let process = try await runDarkroom(["process", "--help"])
        #expect(process.stdout.contains("64 on bad usage"), "\(process.stdout)")
        #expect(!process.stdout.contains("2 on bad usage"))
    }
}
