import DarkroomTestSupport
import Foundation
import Testing

@Suite struct FetchCommandTests {
    let body = pseudoRandomBytes(3 * 1024 * 1024)
    let folder: URL
    let server: TestHTTPServer

    init() throws {
        folder = try makeTemporaryFolder("fetch-cli")
        let body = body
        server = try TestHTTPServer { request in
            request.path == "/clip.mp4" ? .file(body, for: request, contentType: "video/mp4") : .notFound()
        }
    }

    @Test func printsTheHashLikeSha256sum() async throws {
        let output = folder.appendingPathComponent("clip.mp4").path
        let result = try await runDarkroom(["fetch", server.url("clip.mp4").absoluteString, "--output", output, "--allow-private"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let expected = try await sha256sum(output)
        #expect(result.stdout == "\(expected)  \(output)\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == body)
        // Not a terminal, so no progress bar.
        #expect(result.stderr.isEmpty)
    }

    @Test func printsJSONOnRequest() async throws {
        let output = folder.appendingPathComponent("clip.mp4").path
        let result = try await runDarkroom(["fetch", server.url("clip.mp4").absoluteString, "-o", output, "--json", "--allow-private"])
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(json["bytes"] as? Int == body.count)
        #expect(json["sha256"] as? String == (try await sha256sum(output)))
        #expect(json["content_type"] as? String == "video/mp4")
        #expect(json["http_status"] as? Int == 200)
        #expect(json["attempts"] as? Int == 1)
    }

    @Test func loopbackIsRefusedWithoutTheAllowance() async throws {
        let url = server.url("clip.mp4").absoluteString
        let result = try await runDarkroom(["fetch", url, "-o", folder.appendingPathComponent("clip.mp4").path])
        #expect(result.status == 1)
        #expect(result.stderr == "darkroom: \(url): refused: 127.0.0.1 is a loopback address\n")
        #expect(server.receivedRequests.isEmpty)
    }

    @Test func maxBytesIsEnforced() async throws {
        let url = server.url("clip.mp4").absoluteString
        let result = try await runDarkroom(["fetch", url, "-o", folder.appendingPathComponent("clip.mp4").path, "--allow-private", "--max-bytes", "1000000"])
        #expect(result.status == 1)
        #expect(result.stderr == "darkroom: \(url): larger than the limit of 1000000 bytes\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func aMissingURLExitsOneWithOneLine() async throws {
        let url = server.url("gone.mp4").absoluteString
        let result = try await runDarkroom(["fetch", url, "-o", folder.appendingPathComponent("gone.mp4").path, "--allow-private"])
        #expect(result.status == 1)
        #expect(result.stderr == "darkroom: \(url): HTTP 404\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}

@Suite struct FetchCommandManyTests {
    @Test func severalURLsDownloadInParallelEachToItsOutput() async throws {
        let folder = try makeTemporaryFolder("fetch-many")
        let bodies = (0..<4).map { pseudoRandomBytes(512 * 1024 + $0, seed: UInt64($0 + 1)) }
        let server = try TestHTTPServer { request in
            guard let index = Int(request.path.dropFirst()), bodies.indices.contains(index) else { return .notFound() }
            return .file(bodies[index], for: request)
        }
        var arguments = ["fetch", "--allow-private"]
        for index in bodies.indices {
            arguments += [server.url("\(index)").absoluteString, "-o", folder.appendingPathComponent("f\(index)").path]
        }
        let result = try await runDarkroom(arguments)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        var expectedLines: [String] = []
        for index in bodies.indices {
            let path = folder.appendingPathComponent("f\(index)").path
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bodies[index])
            expectedLines.append("\(try await sha256sum(path))  \(path)")
        }
        #expect(result.stdout == expectedLines.joined(separator: "\n") + "\n", "one line per file, in the order given")
    }

    @Test func oneFailureAmongManyExitsOneAndKeepsTheRest() async throws {
        let folder = try makeTemporaryFolder("fetch-mixed")
        let server = try TestHTTPServer { request in
            request.path == "/ok" ? TestHTTPResponse(body: Data("fine".utf8)) : .notFound()
        }
        let result = try await runDarkroom([
            "fetch", "--allow-private", "--json",
            server.url("ok").absoluteString, "-o", folder.appendingPathComponent("ok").path,
            server.url("gone").absoluteString, "-o", folder.appendingPathComponent("gone").path,
        ])
        #expect(result.status == 1)
        #expect(result.stderr == "darkroom: \(server.url("gone").absoluteString): HTTP 404\n")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
        #expect(json.count == 2, "every URL, in the order given")
        #expect(json.first?["bytes"] as? Int == 4)
        let failed = try #require(json.last?["error"] as? [String: Any])
        #expect(json.last?["url"] as? String == server.url("gone").absoluteString)
        #expect(failed["kind"] as? String == "http_status")
        #expect(failed["message"] as? String == "\(server.url("gone").absoluteString): HTTP 404")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["ok"])

        let alone = try await runDarkroom(["fetch", "--json", server.url("gone").absoluteString, "-o", folder.appendingPathComponent("x").path])
        #expect(alone.status == 1)
        let refused = try #require(try JSONSerialization.jsonObject(with: alone.stdoutData) as? [String: Any], "one URL: an object, even failed")
        #expect((refused["error"] as? [String: Any])?["kind"] as? String == "refused_address")
    }

    @Test func outputsMustMatchURLs() async throws {
        let result = try await runDarkroom(["fetch", "http://127.0.0.1:1/a", "http://127.0.0.1:1/b", "-o", "/tmp/only-one"])
        #expect(result.status == 64, "ArgumentParser's usage error")
        #expect(result.stderr.contains("Give one --output per URL (2 URLs, 1 outputs)."))
        let zero = try await runDarkroom(["fetch", "http://127.0.0.1:1/a", "-o", "/tmp/a", "--max-bytes", "0"])
        #expect(zero.status == 64)
        #expect(zero.stderr.contains("--max-bytes must be more than 0."))
    }
}
