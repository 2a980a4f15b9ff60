import DarkroomCore
import Foundation

/// The archive's catalog, `<data>/archive/index.jsonl`: one JSON line per archived task, in
/// the order they were archived. Derived from the task folders, so `rebuild` can always make
/// it again from them alone.
///
/// Callers that change it hold the `ArchiveLock`. A line for a new task is appended and synced;
/// a task archived again has its line replaced, by writing the whole catalog anew and renaming
/// it into place, so the catalog never lists a task twice.
public struct Catalog: Sendable {
    public let layout: ArchiveLayout

    public init(layout: ArchiveLayout) {
        self.layout = layout
    }

    /// What the catalog lists, and how many of its lines could not be read (a line torn by a
    /// crash in the middle of an append).
    public func read() throws(FileError) -> (entries: [CatalogEntry], unreadable: Int) {
        let data: Data
        do {
            data = try Data(contentsOf: layout.catalog)
        } catch {
            let failure = FileError(path: layout.catalog.path, operation: "read", error: error)
            if failure.code == ENOENT { return ([], 0) }
            throw failure
        }
        let decoder = IndexCoding.decoder()
        var entries: [CatalogEntry] = []
        var unreadable = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if let entry = try? decoder.decode(CatalogEntry.self, from: Data(line)) {
                entries.append(entry)
            } else {
                unreadable += 1
            }
        }
        return (entries, unreadable)
    }

    /// Adds the task's line, or replaces the line it had; nothing when it has this very line.
    func record(_ entry: CatalogEntry) throws(FileError) {
        let (entries, unreadable) = try read()
        if entries.contains(entry), unreadable == 0, endsCleanly() { return }
        let known = entries.contains { $0.key == entry.key || $0.folder == entry.folder }
        guard known || unreadable > 0 || !endsCleanly() else {
            try append(entry)
            return
        }
        try write(entries.filter { $0.key != entry.key && $0.folder != entry.folder } + [entry])
    }

    /// Makes the catalog anew from the task folders alone, in the order they were archived.
    /// Folders whose index file cannot be read are left out and returned.
    public func rebuild() throws(FileError) -> (entries: [CatalogEntry], skipped: [ArchiveScanError]) {
        let lock = try ArchiveLock(layout: layout)
        defer { withExtendedLifetime(lock) {} }
        let scan = ArchiveScan(layout: layout)
        var entries: [CatalogEntry] = []
        var skipped: [ArchiveScanError] = []
        for folder in try scan.taskFolders() {
            do throws(ArchiveScanError) {
                var entry = CatalogEntry(index: try scan.index(of: folder))
                // Where the folder is now is what the catalog must say, whatever the index says.
                entry.folder = folder
                entries.append(entry)
            } catch {
                skipped.append(error)
            }
        }
        entries.sort { ($0.archivedAt, $0.folder) < ($1.archivedAt, $1.folder) }
        try write(entries)
        return (entries, skipped)
    }

    /// Replaces the whole catalog with `entries`, in one rename.
    func write(_ entries: [CatalogEntry]) throws(FileError) {
        var data = Data()
        for entry in entries { data += try line(entry) }
        try StagedFile.replace(layout.catalog, with: data)
        try DurableFolder.syncPath(layout.root)
    }

    private func append(_ entry: CatalogEntry) throws(FileError) {
        let data = try line(entry)
        let path = layout.catalog.path
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count else {
            let code = written < 0 ? errno : ENOSPC
            // A torn line is never left behind: the catalog goes back to its former length.
            ftruncate(descriptor, lseek(descriptor, 0, SEEK_END) - off_t(max(written, 0)))
            throw FileError(path: path, operation: "write", errno: code)
        }
        guard fsync(descriptor) == 0 else { throw FileError(path: path, operation: "fsync", errno: errno) }
        try DurableFolder.syncPath(layout.root)
        Checkpoint.reached()
    }

    /// Whether the catalog is empty or ends with a newline, so an append starts a line of its own.
    private func endsCleanly() -> Bool {
        guard let handle = FileHandle(forReadingAtPath: layout.catalog.path) else { return true }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size > 0 else { return true }
        try? handle.seek(toOffset: size - 1)
        return (try? handle.read(upToCount: 1)) == Data("\n".utf8)
    }

    private func line(_ entry: CatalogEntry) throws(FileError) -> Data {
        do {
            return try IndexCoding.encoder(pretty: false).encode(entry) + Data("\n".utf8)
        } catch {
            throw FileError(path: layout.catalog.path, operation: "encode", error: error)
        }
    }
}
