import Foundation

/// A server the tests start, that dies with the test process however that ends: it reads its
/// stdin from a pipe this object holds, and a watcher kills it when the pipe closes (`kill()`,
/// deinit, or the test process gone). Its output goes to the end of `log`.
///
/// Run through `/bin/sh`, which becomes the server (exec keeps its pid, so `process` is the
/// server itself), after forking the watcher. A shell that waited for the server instead would
/// never see it end: it inherits SIGCHLD blocked from the test's thread, and dash's `wait` then
/// never returns.
public final class LifelineProcess: @unchecked Sendable {
    public let process = Process()
    private let lifeline = Pipe()
    public let log: URL

    /// Starts `command` (the executable, then its arguments).
    public init(_ command: [String], log: URL) throws {
        self.log = log
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let output = try FileHandle(forWritingTo: log)
        try output.seekToEnd()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"exec 3<&0; (cat <&3 >/dev/null; kill -9 $$) & exec "$0" "$@" </dev/null 3<&-"#] + command
        process.standardOutput = output
        process.standardError = output
        process.standardInput = lifeline
        try process.run()
    }

    /// The end of the log, for a message about a server that exited.
    public var logTail: String {
        (try? String(contentsOf: log, encoding: .utf8).suffix(2000)).map(String.init) ?? ""
    }

    /// Whether the server has exited, read from `/proc` (a zombie not yet reaped counts):
    /// `Process.isRunning` learns of an exit only through SIGCHLD, which the test's threads may
    /// hold blocked, and then never flips.
    public var hasExited: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8) else { return true }
        // `pid (comm) state …`: the state follows the last `)`, since comm may hold one.
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// Closes the lifeline: the watcher kills the server (SIGKILL) if it still runs.
    public func kill() {
        try? lifeline.fileHandleForWriting.close()
    }

    deinit {
        kill()
    }
}

/// A server started once per test process by the first test that asks; the tests share it.
public actor SharedServer<Server: Sendable> {
    private let make: @Sendable () async throws -> Server
    private var started: Task<Server, any Error>?

    public init(_ make: @escaping @Sendable () async throws -> Server) {
        self.make = make
    }

    public func server() async throws -> Server {
        if let started { return try await started.value }
        let task = Task { try await make() }
        started = task
        return try await task.value
    }
}
