import Foundation

/// A task's tar download checked with the system's `tar` and `sha256sum`: extracted, it must
/// hold exactly `index.json` and every file the index lists, each with the index's hash.
public enum TarCheck {
    /// What is wrong with `tar` (empty when nothing), the index being `index` (as JSON).
    public static func mismatches(_ tar: URL, index: [String: Any], top: String, into folder: URL) async throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let extracted = try await runCommand("tar", ["-xf", tar.path, "-C", folder.path])
        guard extracted.status == 0 else { return ["tar -xf: \(extracted.stderr)"] }
        let root = folder.appendingPathComponent(top)
        var expected: [String: String] = [:]
        func add(_ file: Any?) {
            guard let file = file as? [String: Any], let path = file["path"] as? String, let sha256 = file["sha256"] as? String else { return }
            expected[path] = sha256
        }
        add(index["callback"])
        for video in index["videos"] as? [[String: Any]] ?? [] {
            add(video["source"])
            add(video["poster"])
            (video["thumbnails"] as? [Any] ?? []).forEach(add)
            let storyboard = video["storyboard"] as? [String: Any]
            add(storyboard?["image"])
            add(storyboard?["vtt"])
            (video["renditions"] as? [Any] ?? []).forEach(add)
        }
        for image in index["images"] as? [[String: Any]] ?? [] {
            add(image["source"])
            add(image["thumbnail"])
        }
        let found = Set(try FileManager.default.subpathsOfDirectory(atPath: root.path).filter { path in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isFolder)
            return !isFolder.boolValue
        })
        var wrong: [String] = []
        if found != Set(expected.keys).union(["index.json"]) { wrong.append("files: \(found.sorted()) against \(expected.keys.sorted())") }
        for (path, sha256) in expected where found.contains(path) {
            let actual = try await sha256sum(root.appendingPathComponent(path).path)
            if actual != sha256 { wrong.append("\(path): sha256 \(actual), the index says \(sha256)") }
        }
        return wrong
    }
}
