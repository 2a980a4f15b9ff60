import DarkroomTestSupport
import Foundation
import Testing

/// What the `darkroom process` tests share: a result server on 127.0.0.1 serving the test
/// clips, a data folder of the test's own, an archive (a folder or a bucket), and callbacks
/// whose URLs point at the server.
///
/// With a bucket, `archive` is a view of it made by boto3 (another S3 client than Darkroom's):
/// `taskFolders()` mirrors the bucket and lays each task out as its folder would be, its index
/// and the files of the generation the index names, so one test body checks either archive;
/// `strays()` lists the objects the view leaves out.
struct ArchiveFixture {
    let server: TestHTTPServer
    let folder: URL
    let kind: ArchiveKind
    /// The bucket, for `.bucket`.
    let testBucket: TestBucket?
    var bucket: String? { testBucket?.name }
    var s3: SeaweedS3? { testBucket?.s3 }
    var data: URL { folder.appendingPathComponent("data") }
    var archive: URL { kind == .folder ? data.appendingPathComponent("archive") : folder.appendingPathComponent("view") }
    static let prefix = TestBucket.prefix

    /// Serves `/video.mp4` (2 s H.264/AAC), `/portrait.mp4` (1 s, 1080×1920), `/image.png`, `/image.jpg`, `/image.webp`,
    /// `/text.mp4` (not media) and 404 for anything else.
    init(_ label: String, kind: ArchiveKind = .folder, s3 given: SeaweedS3? = nil) async throws {
        folder = try makeTemporaryFolder(label)
        self.kind = kind
        testBucket = kind == .bucket ? try await TestBucket(label, s3: given) : nil
        let clips = TestClips.shared
        var files: [String: (Data, String)] = [:]
        for (name, clip, type) in [
            ("video.mp4", TestClip.h264AAC, "video/mp4"), ("portrait.mp4", .portrait, "video/mp4"), ("image.png", .png, "image/png"),
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

    /// `--archive` and the `--s3-*` flags of a bucket; nothing for the default folder.
    var archiveArguments: [String] { testBucket?.arguments ?? [] }

    var archiveEnvironment: [String: String] { kind == .bucket ? SeaweedS3.environment : [:] }

    /// Writes `body` to a file and runs `darkroom process` on it with this fixture's data folder.
    func process(_ body: String, name: String = "callback.json", environment: [String: String] = [:], extra: [String] = []) async throws -> CommandResult {
        let file = folder.appendingPathComponent(name)
        try Data(body.utf8).write(to: file)
        return try await runDarkroom(["process", file.path, "--data", data.path, "--allow-private"] + archiveArguments + extra,
                                     environment: archiveEnvironment.merging(environment) { $1 })
    }

    func verify(_ extra: [String] = []) async throws -> CommandResult {
        try await runDarkroom(["verify", "--data", data.path] + archiveArguments + extra, environment: archiveEnvironment)
    }

    /// Task folders in the archive, relative to it (`2025/11/21/<task>`); with a bucket, the
    /// view is made anew first.
    func taskFolders() async throws -> [String] {
        if kind == .bucket { try await makeView() }
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
        let staging = kind == .folder ? archive.appendingPathComponent(".staging") : data.appendingPathComponent(".staging")
        return (try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? []
    }

    /// Objects in the bucket that no index lists (as of the last `taskFolders()`), relative to
    /// the prefix; always empty for a folder.
    func strays() throws -> [String] {
        guard kind == .bucket else { return [] }
        let text = (try? String(contentsOf: folder.appendingPathComponent("strays.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Mirrors the bucket with boto3 and lays out each task as its folder: `index.json`, and the
    /// files of the generation it names; whatever else is under the task goes to `strays.txt`.
    private func makeView() async throws {
        guard let s3, let bucket else { return }
        let mirror = folder.appendingPathComponent("mirror")
        try? FileManager.default.removeItem(at: mirror)
        try? FileManager.default.removeItem(at: archive)
        try await runS3Tool(s3, ["mirror", bucket, Self.prefix, mirror.path])
        var strays: [String] = []
        let keys = (try? FileManager.default.subpathsOfDirectory(atPath: mirror.path)) ?? []
        var generations: [String: String] = [:]
        for key in keys where key.split(separator: "/").count == 5 && key.hasSuffix("/index.json") {
            let folder = String(key.dropLast("/index.json".count))
            let index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: mirror.appendingPathComponent(key))) as? [String: Any])
            generations[folder] = index["generation"] as? String ?? ""
            try FileManager.default.createDirectory(at: archive.appendingPathComponent(folder), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: mirror.appendingPathComponent(key), to: archive.appendingPathComponent(key))
        }
        for key in keys {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: mirror.appendingPathComponent(key).path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let parts = key.split(separator: "/", maxSplits: 5).map(String.init)
            if parts.count == 5, parts[4] == "index.json" { continue }
            let folder = parts.prefix(4).joined(separator: "/")
            guard parts.count == 6, let generation = generations[folder], parts[4] == generation else {
                if !key.hasPrefix(".") { strays.append(key) }
                continue
            }
            let target = archive.appendingPathComponent(folder).appendingPathComponent(parts[5])
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: mirror.appendingPathComponent(key), to: target)
        }
        try strays.joined(separator: "\n").write(to: self.folder.appendingPathComponent("strays.txt"), atomically: true, encoding: .utf8)
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
