import DarkroomCore
import Foundation

/// The archive as a folder on this machine (the embedded default): `<data>/archive`, a task
/// folder per task moved into place with one rename, and the catalog `index.jsonl` written
/// after it under the archive's lock (DESIGN.md, "The archive").
public struct FolderArchive: ArchiveStore {
    public let layout: ArchiveLayout

    public init(layout: ArchiveLayout) {
        self.layout = layout
    }

    public var location: String { layout.root.path }
    public var stagingRoot: URL { layout.staging }
    public var browserOrigin: String? { nil }

    /// Writes `index.json`, syncs the staged folder and moves it into place, then records the
    /// task in the catalog. A former copy of the task, swapped out by the move, is left in the
    /// staging folder's place for its owner to remove.
    public func commit(_ index: TaskIndex, from staging: URL) async throws(ArchiveStoreError) -> Bool {
        try await blocking("darkroom-commit") { [layout] () throws(FileError) in
            try StagedFile.replace(staging.appendingPathComponent("index.json"), with: try IndexFile.encode(index, at: staging.path))
            try DurableFolder.sync(staging)
            let lock = try ArchiveLock(layout: layout)
            let replaced = try DurableFolder.move(staging, to: layout.url(ofFolder: index.folder))
            Checkpoint.reached("folder-moved")
            try Catalog(layout: layout).record(CatalogEntry(index: index))
            withExtendedLifetime(lock) {}
            return !replaced
        }
    }

    /// The folder is in place (the commit point): its catalog line may not be.
    public func finishCommit(_ index: TaskIndex) async throws(ArchiveStoreError) {
        try await blocking("darkroom-commit") { [layout] () throws(FileError) in
            let lock = try ArchiveLock(layout: layout)
            try Catalog(layout: layout).record(CatalogEntry(index: index))
            withExtendedLifetime(lock) {}
        }
    }

    public func index(of folder: String) async throws(ArchiveScanError) -> TaskIndex {
        try ArchiveScan(layout: layout).index(of: folder)
    }

    /// The file, when it is listed (or is `index.json`) and its real path, symbolic links
    /// resolved, is a regular file inside the archive: a link planted in a task folder cannot
    /// lead out of it.
    public func file(_ path: String, of index: TaskIndex, forBrowser: Bool) async throws(ArchiveStoreError) -> ArchivedFile? {
        let listed = index.files.first { $0.path == path }
        guard listed != nil || path == "index.json", ArchiveVerifier.staysInside(path),
              let root = Self.resolved(layout.root.path),
              let resolved = Self.resolved(layout.url(ofFolder: index.folder).appendingPathComponent(path).path)
        else { return nil }
        var info = stat()
        guard resolved.hasPrefix(root + "/"), stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let sha256: String
        if let listed {
            sha256 = listed.sha256
        } else {
            do throws(FileError) {
                sha256 = try StoredFile(hashing: URL(fileURLWithPath: resolved), as: path).sha256
            } catch {
                throw ArchiveStoreError(error)
            }
        }
        return ArchivedFile(size: Int64(info.st_size), sha256: sha256, access: .read(.local(path: resolved)))
    }

    /// A hard link: the staging area is on the archive's file system, and the swap that moves
    /// the new folder in leaves the linked file whole when the old folder is removed.
    public func copy(_ file: StoredFile, of index: TaskIndex, to destination: URL) async throws(ArchiveStoreError) {
        let source = layout.url(ofFolder: index.folder).appendingPathComponent(file.path)
        guard Foundation.link(source.path, destination.path) == 0 else {
            throw ArchiveStoreError(FileError(path: source.path, operation: "link", errno: errno))
        }
    }

    public func taskFolders() async throws(ArchiveStoreError) -> [String] {
        do throws(FileError) {
            return try ArchiveScan(layout: layout).taskFolders()
        } catch {
            throw ArchiveStoreError(error)
        }
    }

    /// `ArchiveVerifier`'s report; with `repair`, files in task folders that their index does
    /// not list are removed and the catalog is rebuilt. (A commit is one rename, so a task
    /// folder never holds a commit in progress: `grace` does not apply.)
    public func verify(repair: Bool, grace: Duration) async throws(ArchiveStoreError) -> ArchiveReport {
        try await blocking("darkroom-verify") { [layout] () throws(FileError) in
            var report = try ArchiveVerifier(layout: layout).verify()
            guard repair else { return report }
            for finding in report.findings where finding.kind == .unlisted {
                if unlink(layout.root.appendingPathComponent(finding.path).path) == 0 { report.removed += 1 }
            }
            if report.findings.contains(where: { $0.kind == .catalog }) { _ = try Catalog(layout: layout).rebuild() }
            return report
        }
    }

    /// Writes and syncs a file in the archive's folder.
    public func checkWritable() async throws(ArchiveStoreError) {
        do throws(FileError) {
            try Folder.make(layout.root)
            try StagedFile.replace(layout.root.appendingPathComponent(".ready"), with: Data("ok\n".utf8))
        } catch {
            throw ArchiveStoreError(error)
        }
    }

    /// Runs `body` on a thread of its own: it waits on the disk (fsync of a task's every file,
    /// a whole scan) or on another process (the archive's lock), and on Swift's pool, one thread
    /// per core, two such waits at once stopped every request on two cores.
    private func blocking<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws(FileError) -> T) async throws(ArchiveStoreError) -> T {
        let result = await OwnThread.run(name: name) { Result<T, FileError> { () throws(FileError) in try body() } }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw ArchiveStoreError(error)
        }
    }

    /// `path` with every symbolic link resolved, or nil when it does not exist.
    private static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// `index.json`'s bytes: the index pretty-printed, with a final newline.
enum IndexFile {
    static func encode(_ index: TaskIndex, at path: String) throws(FileError) -> Data {
        do {
            return try IndexCoding.encoder(pretty: true).encode(index) + Data("\n".utf8)
        } catch {
            throw FileError(path: path + "/index.json", operation: "encode", error: error)
        }
    }
}
