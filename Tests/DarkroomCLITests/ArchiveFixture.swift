import DarkroomTestSupport
import Foundation
import Testing

/// What the `darkroom process` tests share: a result server on 127.0.0.1 serving the test
/// clips, a data folder of the test's own, and callbacks whose URLs point at the server.
struct ArchiveFixture {
    let server: TestHTTPServer
    let folder: URL
    var data: URL { folder.appendingPathComponent("data") }
    var archive: URL { data.appendingPathComponent("archive") }

    /// Serves `/video.mp4` (2 s H.264/AAC), `/image.png`, `/image.jpg`, `/image.webp`,
    /// `/text.mp4` (not media) and 404 for anything else.
    init(_ label: String) async throws {
        folder = try makeTemporaryFolder(label)
        let clips = TestClips.shared
        var files: [String: (Data, String)] = [:]
        for (name, clip, type) in [
            ("video.mp4", TestClip.h264AAC, "video/mp4"), ("image.png", .png, "image/png"),
            ("image.jpg", .jpeg, "image/jpeg"), ("image.webp", .webp, "image/webp"), ("text.mp4", .textNamedMP4, "video/mp4"),
        ] {
            files["/" + name] = (try Data(contentsOf: URL(fileURLWithPath: try await clips.path(clip))), type)
        }
        let served = files
        server = try TestHTTPServer { request in
            guard let (body, type) = served[request.path] else { return .notFound() }
            return .file(body, for: request, contentType: type)
        }
    }

    /// The body of `shared/examples/callbacks/<sample>` with each result URL pointed at the file
    /// of the same extension on the server (`….mp4` to `/video.mp4`).
    func sample(_ sample: String) throws -> String {
        let text = String(decoding: try RepositoryFiles.sampleCallback(sample), as: UTF8.self)
        let pattern = try Regex(#"https://cdn\.example\.com/kling/[^"]*\.(mp4|png|jpg|webp)"#)
        return text.replacing(pattern) { match in
            let ext = String(text[match.range].split(separator: ".").last!)
            return server.url(ext == "mp4" ? "video.mp4" : "image.\(ext)").absoluteString
        }
    }

    /// Writes `body` to a file and runs `darkroom process` on it with this fixture's data folder.
    func process(_ body: String, name: String = "callback.json", environment: [String: String] = [:], extra: [String] = []) async throws -> CommandResult {
        let file = folder.appendingPathComponent(name)
        try Data(body.utf8).write(to: file)
        return try await runDarkroom(["process", file.path, "--data", data.path, "--allow-private"] + extra, environment: environment)
    }

    func verify() async throws -> CommandResult {
        try await runDarkroom(["verify", "--data", data.path])
    }

    /// Task folders in the archive, relative to it (`2025/11/21/<task>`).
    func taskFolders() throws -> [String] {
        guard FileManager.default.fileExists(atPath: archive.path) else { return [] }
        return try FileManager.default.subpathsOfDirectory(atPath: archive.path)
            .filter { $0.split(separator: "/").count == 4 && !$0.hasPrefix(".") }
            .sorted()
    }

    /// The catalog's lines, parsed.
    func catalog() throws -> [[String: Any]] {
        let text = (try? String(contentsOf: archive.appendingPathComponent("index.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func index(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: archive.appendingPathComponent(folder).appendingPathComponent("index.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// What `.staging` holds: nothing, once every run has ended.
    func stagingLeftovers() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: archive.appendingPathComponent(".staging").path)) ?? []
    }
}

/// A simple callback in the legacy shape, for tests that need their own ids and URLs.
func legacyCallback(taskID: String, created: Int = 1_763_702_400_000, videos: [(id: String, url: String, duration: String)] = [],
                    images: [(index: Int, url: String)] = []) -> String {
    func quoted(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }
    let videoItems = videos.map { #"{"id": \#(quoted($0.id)), "url": \#(quoted($0.url)), "duration": \#(quoted($0.duration))}"# }
    let imageItems = images.map { #"{"index": \#($0.index), "url": \#(quoted($0.url))}"# }
    return """
        {"task_id": \(quoted(taskID)), "task_status": "succeed", "created_at": \(created), "updated_at": \(created + 60_000),
         "task_result": {"videos": [\(videoItems.joined(separator: ","))], "images": [\(imageItems.joined(separator: ","))]}}
        """
}
