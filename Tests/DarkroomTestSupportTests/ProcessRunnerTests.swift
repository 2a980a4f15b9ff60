import DarkroomTestSupport
import Foundation
import Testing

/// `runCommand`, which every test that runs a command or the binary waits on.
@Suite struct ProcessRunnerTests {
    /// Foundation's `Process` learns of a command's end when a socket the command inherited
    /// closes, so a process that inherited it in turn (here the command's own, left running)
    /// kept the command's waiter waiting, even past its time-out: in CI a test hung on a zombie.
    @Test func aCommandEndsWhenItExitsThoughAProcessItStartedLivesOn() async throws {
        let result = try await runCommand("sh", ["-c", "sleep 40 </dev/null >/dev/null 2>&1 & echo $!"], timeout: .seconds(20))
        let left = try #require(pid_t(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(result)")
        defer { kill(left, SIGKILL) }
        #expect(result.status == 0)
        #expect(result.signal == nil)
        #expect(isRunning(left), "runCommand answered only once the process the command started had ended")
    }

    /// Alive and not a zombie (an orphan's zombie lingers where the machine's first process does
    /// not reap, as in some containers), read from `/proc/<pid>/stat`'s state.
    private func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ") ", options: .backwards) else { return false }
        return !["Z", "X"].contains(stat[afterName.upperBound...].prefix(1))
    }

    @Test func aCommandsStatusAndSignalAreItsOwn() async throws {
        let failed = try await runCommand("sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(failed.status == 3 && failed.signal == nil)
        #expect(failed.stdout == "out\n" && failed.stderr == "err\n")
        let killed = try await runCommand("sh", ["-c", "kill -9 $$"])
        #expect(killed.signal == SIGKILL)
    }

    /// `ServerProcess.stop` waits this way: the process's end, whatever holds its socket.
    @Test func aProcessEndsWhenItExitsThoughAProcessItStartedLivesOn() async throws {
        let folder = try makeTemporaryFolder("child-exit")
        let pidFile = folder.appendingPathComponent("left")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "sleep 40 </dev/null >/dev/null 2>&1 & echo $! > '\(pidFile.path)'; exit 3"]
        try process.run()
        #expect(await ChildExit.status(of: process) == 3)
        let left = try #require(pid_t(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(left, SIGKILL) }
        #expect(isRunning(left), "the wait ended only once the process the command started had ended")
        let killed = Process()
        killed.executableURL = URL(fileURLWithPath: "/bin/sh")
        killed.arguments = ["-c", "kill -9 $$"]
        try killed.run()
        #expect(await ChildExit.status(of: killed) == SIGKILL)
    }

    @Test func aCommandPastItsTimeOutIsKilled() async throws {
        let result = try await runCommand("sleep", ["600"], timeout: .seconds(1))
        #expect(result.signal == SIGKILL)
    }
}
