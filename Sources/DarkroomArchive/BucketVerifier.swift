import Crypto
import DarkroomCore
import DarkroomS3
import Foundation

/// Checks a bucket archive against its index objects: every object an index lists must be there
/// with its size and SHA-256 (read back and hashed, a window at a time), and every object in a
/// task folder that no index lists is reported as `unlisted`: a commit that died before its
/// index, or a generation not yet deleted. With `repair`, those older than `grace` are deleted
/// (younger ones may belong to a commit in progress).
struct BucketVerifier {
    let archive: BucketArchive

    func verify(repair: Bool, grace: Duration) async throws(ArchiveStoreError) -> ArchiveReport {
        let client = archive.client
        let objects: [S3Object]
        do {
            objects = try await client.list()
        } catch {
            throw ArchiveStoreError(unavailable: error.isTransient, error.description)
        }
        var byFolder: [String: [S3Object]] = [:]
        for object in objects {
            guard let key = TaskObjectKey(object.key) else { continue }
            byFolder[key.folder, default: []].append(object)
        }
        var report = ArchiveReport()
        var orphans: [S3Object] = []
        for folder in byFolder.keys.sorted() {
            let inFolder = byFolder[folder]!
            var listed: Set<String> = ["\(folder)/index.json"]
            if inFolder.contains(where: { $0.key == "\(folder)/index.json" }) {
                report.tasks += 1
                do {
                    let index = try await archive.index(of: folder)
                    listed.formUnion(await check(index, objects: inFolder, into: &report))
                } catch {
                    report.findings.append(.init(kind: .badIndex, path: "\(folder)/index.json", detail: error.reason))
                    continue
                }
            }
            for object in inFolder where !listed.contains(object.key) {
                report.findings.append(.init(kind: .unlisted, path: object.key, detail: "no index.json lists it (an earlier generation, or a commit that did not finish)"))
                orphans.append(object)
            }
        }
        if repair {
            let cutoff = Date().addingTimeInterval(-Double(grace.components.seconds))
            for orphan in orphans where (orphan.lastModified ?? .distantPast) <= cutoff {
                if (try? await client.delete(key: orphan.key)) != nil { report.removed += 1 }
            }
        }
        return report
    }

    /// Checks the files `index` lists; returns their keys.
    private func check(_ index: TaskIndex, objects: [S3Object], into report: inout ArchiveReport) async -> Set<String> {
        var keys: Set<String> = []
        let sizes = Dictionary(objects.map { ($0.key, $0.size) }, uniquingKeysWith: { first, _ in first })
        for file in index.files {
            let key = archive.objectKey(file, of: index)
            keys.insert(key)
            guard ArchiveVerifier.staysInside(file.path) else {
                report.findings.append(.init(kind: .badIndex, path: "\(index.folder)/index.json", detail: "lists a path outside its folder: \(file.path)"))
                continue
            }
            report.files += 1
            guard let size = sizes[key] else {
                report.findings.append(.init(kind: .missing, path: key, detail: "listed in \(index.folder)/index.json, not in \(archive.location)"))
                continue
            }
            // The listing's sizes are the store's word: summed without trapping, whatever it says.
            let (sum, overflow) = report.bytes.addingReportingOverflow(size)
            report.bytes = overflow ? .max : sum
            guard size == Int64(file.bytes) else {
                report.findings.append(.init(kind: .changed, path: key, detail: "\(size) bytes; the index lists \(file.bytes) bytes, sha256 \(file.sha256)"))
                continue
            }
            var hasher = SHA256()
            do {
                try await archive.client.read(key: key, bytes: size) { hasher.update(data: $0) }
            } catch {
                report.findings.append(.init(kind: .missing, path: key, detail: "cannot be read: \(error)"))
                continue
            }
            let sha256 = hasher.finalize().hexString
            if sha256 != file.sha256 {
                report.findings.append(.init(kind: .changed, path: key, detail: "sha256 \(sha256); the index lists \(file.sha256)"))
            }
        }
        return keys
    }
}
