import DarkroomCore
import Foundation

/// Checks a folder archive against its own index files: every file each `index.json` lists must be
/// there with its size and SHA-256, and no other file may be in a task folder. Also checks the
/// catalog lists exactly the task folders (`darkroom reindex` repairs it).
public struct ArchiveVerifier: Sendable {
    public let layout: ArchiveLayout

    public init(layout: ArchiveLayout) {
        self.layout = layout
    }

    public typealias Finding = ArchiveReport.Finding

    public func verify() throws(FileError) -> ArchiveReport {
        var report = ArchiveReport()
        let scan = ArchiveScan(layout: layout)
        let folders = try scan.taskFolders()
        for folder in folders {
            report.tasks += 1
            let index: TaskIndex
            do {
                index = try scan.index(of: folder)
            } catch {
                report.findings.append(Finding(kind: .badIndex, path: folder + "/index.json", detail: error.reason))
                continue
            }
            check(index, in: folder, into: &report)
        }
        checkCatalog(folders, into: &report)
        return report
    }

    private func check(_ index: TaskIndex, in folder: String, into report: inout ArchiveReport) {
        let root = layout.url(ofFolder: folder)
        var listed: Set<String> = ["index.json"]
        for file in index.files {
            let shown = folder + "/" + file.path
            guard Self.staysInside(file.path) else {
                report.findings.append(Finding(kind: .badIndex, path: folder + "/index.json", detail: "lists a path outside its folder: \(file.path)"))
                continue
            }
            listed.insert(file.path)
            report.files += 1
            let url = root.appendingPathComponent(file.path)
            do throws(FileError) {
                let found = try StoredFile(hashing: url, as: file.path)
                report.bytes += Int64(found.bytes)
                if found.bytes != file.bytes || found.sha256 != file.sha256 {
                    report.findings.append(Finding(kind: .changed, path: shown,
                        detail: "\(found.bytes) bytes, sha256 \(found.sha256); the index lists \(file.bytes) bytes, sha256 \(file.sha256)"))
                }
            } catch {
                report.findings.append(Finding(kind: error.code == ENOENT ? .missing : .changed, path: shown, detail: error.description))
            }
        }
        for path in Self.files(under: root) where !listed.contains(path) {
            report.findings.append(Finding(kind: .unlisted, path: folder + "/" + path, detail: "not in the task's index.json"))
        }
    }

    private func checkCatalog(_ folders: [String], into report: inout ArchiveReport) {
        let shown = layout.catalog.lastPathComponent
        let catalog: (entries: [CatalogEntry], unreadable: Int)
        do {
            catalog = try Catalog(layout: layout).read()
        } catch {
            report.findings.append(Finding(kind: .catalog, path: shown, detail: error.description))
            return
        }
        if catalog.unreadable > 0 {
            report.findings.append(Finding(kind: .catalog, path: shown, detail: "\(catalog.unreadable) unreadable line(s); run darkroom reindex"))
        }
        let listed = Set(catalog.entries.map(\.folder))
        for folder in folders where !listed.contains(folder) {
            report.findings.append(Finding(kind: .catalog, path: folder, detail: "a task folder the catalog does not list; run darkroom reindex"))
        }
        let present = Set(folders)
        for entry in catalog.entries where !present.contains(entry.folder) {
            report.findings.append(Finding(kind: .catalog, path: entry.folder, detail: "listed in the catalog, but there is no such task folder; run darkroom reindex"))
        }
    }

    /// Files under `root`, relative to it, `/`-separated; symbolic links count as files.
    private static func files(under root: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            if walker.fileAttributes?[.type] as? FileAttributeType != .typeDirectory {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// A relative path without `..`, empty or absolute parts, as every path Darkroom writes is.
    public static func staysInside(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
