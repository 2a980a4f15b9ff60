import DarkroomTestSupport
import Foundation
import Testing

/// `scripts/setup.sh` on a machine without sudo (Debian ships none): it says what is missing
/// and how to install it, and stops, instead of failing on "sudo: command not found".
@Suite struct SetupScriptTests {
    @Test func withoutSudoAndNotRootItSaysWhatToDo() async throws {
        let bin = try makeTemporaryFolder("setup-path")
        // Only what the script needs, and stand-ins: a user who is not root, packages not installed.
        for tool in ["bash", "grep", "dirname", "cat"] {
            let real = try #require(["/usr/bin/\(tool)", "/bin/\(tool)"].first { FileManager.default.isExecutableFile(atPath: $0) })
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(tool).path, withDestinationPath: real)
        }
        for (name, body) in [("id", "echo 1000"), ("dpkg-query", "exit 1")] {
            let path = bin.appendingPathComponent(name).path
            try Data("#!/bin/bash\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        let script = RepositoryFiles.root.appendingPathComponent("scripts/setup.sh").path
        let result = try await runCommand(bin.appendingPathComponent("bash").path, [script], environment: ["PATH": bin.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("setup: these packages are missing: git ca-certificates pkg-config"), "\(result.stderr)")
        #expect(result.stderr.contains("sudo is not installed (Debian does not ship it)"), "\(result.stderr)")
        #expect(result.stderr.contains("run this script as root (su -c scripts/setup.sh)"), "\(result.stderr)")

        let unknown = try await runCommand(bin.appendingPathComponent("bash").path, [script, "--demo"], environment: ["PATH": bin.path])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown option --demo"), "\(unknown.stderr)")
    }
}
