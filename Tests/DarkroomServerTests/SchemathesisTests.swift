import DarkroomTestSupport
import Foundation
import Testing

/// The API keeps its own contract: Schemathesis (PyPI) generates requests from `/openapi.yaml`
/// and runs every check on the answers of the real binary: no server error, the statuses and
/// bodies the document declares, schema-valid requests taken and schema-violating ones refused,
/// 405 with `Allow` for a method a path does not take, and the admin routes closed without the
/// token. A fixed seed and a bounded number of examples keep it repeatable.
@Suite struct SchemathesisTests {
    @Test(arguments: [true, false])
    func theServerKeepsItsOpenAPIDocument(withAdminToken: Bool) async throws {
        let folder = try makeTemporaryFolder("schemathesis")
        let token = "schemathesis-admin-token"
        let server = try await ServerProcess(
            data: folder.appendingPathComponent("data"),
            arguments: ["--admin-token", token, "--download-workers", "0", "--media-workers", "0"])
        // Something to find: a task with history, so task routes meet a real one as well.
        for sample in ["legacy-processing.json", "legacy-video-succeed.json"] {
            #expect(try await server.request("POST", "/v1/callbacks/kling", body: try RepositoryFiles.sampleCallback(sample)).status == 200)
        }
        let schemathesis = URL(fileURLWithPath: RepositoryFiles.python).deletingLastPathComponent().appendingPathComponent("schemathesis").path
        let result = try await runCommand(schemathesis, [
            "--config-file", RepositoryFiles.root.appendingPathComponent("Tests/Scripts/schemathesis.toml").path, "--no-color",
            "run", server.url("/openapi.yaml").absoluteString, "--checks", "all", "--seed", "20261204", "--max-examples", "40",
            "--generation-database", "none", "--report-dir", folder.appendingPathComponent("report").path,
        ] + (withAdminToken ? ["--header", "Authorization: Bearer \(token)"] : []))
        #expect(result.status == 0, "\(result.stdout.suffix(6000))\n\(result.stderr.suffix(2000))")
        #expect(result.stdout.contains(" passed"), "\(result.stdout.suffix(2000))")
        #expect(server.isRunning, "the server survived every request")
    }
}
