import Foundation
import Synchronization

/// The outcome of a finished command.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutData: Data
    /// The signal that ended the command (9 for SIGKILL), when one did.
    public var signal: Int32?
}

public enum CommandError: Error, CustomStringConvertible {
    case failed(String, CommandResult)

    public var description: String {
        switch self {
        case .failed(let command, let result): "\(command) exited \(result.status): \(result.stderr)"
        }
    }
}

/// Runs `executable` (a path, or a name looked up on PATH) with `arguments`, to its end, with
/// `environment` added to this process's. Output goes to temporary files, not pipes, so a
/// chatty command can never fill a pipe and stall. A command still running after `timeout` is
/// killed (SIGKILL), so a command that should have stopped by itself fails its test instead of
/// hanging it.
public func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(600)
) async throws -> CommandResult {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("darkroom-cmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("stdout")
    let errURL = folder.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)

    let process = Process()
    if executable.contains("/") {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
    }
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let ended = EndedOnce()
    let (status, reason): (Int32, Process.TerminationReason) = try await withCheckedThrowingContinuation { continuation in
        ended.wait(continuation)
        process.terminationHandler = { ended.resume(.success(($0.terminationStatus, $0.terminationReason))) }
        do { try process.run() } catch {
            ended.resume(.failure(error))
            return
        }
        let pid = process.processIdentifier
        // Foundation learns of the end when a socket the command inherited closes, and any
        // process that inherited it in turn (one the command left running, or one another test
        // started at that moment) holds it open: the command's test then waited on a zombie,
        // past its time-out (seen in CI, with ffmpeg). waitid learns of the end itself. The
        // command is reaped here only when Foundation has not done it within moments, as it
        // does when nothing holds its socket: reaped here, the command's pid is free again, and
        // Foundation's waitpid on it, whenever its socket closes, could take another child's
        // exit (pids wrap at 32,768 here).
        Thread {
            _ = ChildExit.waitUnreaped(pid)
            if ended.hasEnded(within: .now() + 2) { return }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return }
            let signal = raw & 0x7f
            ended.resume(.success(signal == 0 ? ((raw >> 8) & 0xff, .exit) : (signal, .uncaughtSignal)))
        }.start()
        let seconds = Double(timeout.components.seconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            if !ended.hasEnded { kill(pid, SIGKILL) }
        }
    }
    try out.close()
    try err.close()
    let stdoutData = try Data(contentsOf: outURL)
    return CommandResult(
        status: status,
        stdout: String(decoding: stdoutData, as: UTF8.self),
        stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
        stdoutData: stdoutData,
        signal: reason == .uncaughtSignal ? status : nil
    )
}

/// Like `runCommand`, but throws unless the command exits 0.
@discardableResult
public func runChecked(_ executable: String, _ arguments: [String]) async throws -> CommandResult {
    let result = try await runCommand(executable, arguments)
    guard result.status == 0 else { throw CommandError.failed(([executable] + arguments).joined(separator: " "), result) }
    return result
}

/// Answers a command's waiter once, from whichever learns of the command's end first:
/// Foundation's termination handler or `runCommand`'s own waiting thread.
private final class EndedOnce: Sendable {
    typealias Waiter = CheckedContinuation<(Int32, Process.TerminationReason), any Error>

    private let state = Mutex<(ended: Bool, waiter: Waiter?)>((false, nil))
    private let endedSignal = DispatchSemaphore(value: 0)

    var hasEnded: Bool { state.withLock { $0.ended } }

    /// Waits until the command has ended or `deadline` has passed; true when it has ended.
    func hasEnded(within deadline: DispatchTime) -> Bool {
        endedSignal.wait(timeout: deadline) == .success || hasEnded
    }

    func wait(_ waiter: Waiter) {
        state.withLock { $0.waiter = waiter }
    }

    func resume(_ result: Result<(Int32, Process.TerminationReason), any Error>) {
        let waiter: Waiter? = state.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            return state.waiter
        }
        guard let waiter else { return }
        endedSignal.signal()
        waiter.resume(with: result)
    }
}
