import Foundation

/// The `darkroom` executable that `swift build` put beside the running test bundle.
public func darkroomBinary() throws -> String {
    let testExecutable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let candidate = URL(fileURLWithPath: testExecutable).deletingLastPathComponent().appendingPathComponent("darkroom").path
    guard FileManager.default.isExecutableFile(atPath: candidate) else {
        throw CommandError.failed("locate darkroom", CommandResult(status: -1, stdout: "", stderr: "no executable at \(candidate)", stdoutData: Data()))
    }
    return candidate
}

/// Runs `darkroom` with `arguments` to its end.
public func runDarkroom(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(600)) async throws -> CommandResult {
    try await runCommand(try darkroomBinary(), arguments, environment: environment, timeout: timeout)
}
