import Foundation

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
    let (status, reason): (Int32, Process.TerminationReason) = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: ($0.terminationStatus, $0.terminationReason)) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
        let seconds = Double(timeout.components.seconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [process] in
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
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
