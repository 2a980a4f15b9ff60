import CLinux
import DarkroomCore
import Foundation
import Synchronization

/// Durable operations on whole folders: sync a tree to disk, and move a finished folder onto
/// its place in one step, replacing what was there as a whole.
enum DurableFolder {
    /// fsyncs every file and folder under `url`, and `url` itself, so that after a crash the
    /// tree is there with every byte, not just its names.
    static func sync(_ url: URL) throws(FileError) {
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) else {
            throw FileError(path: url.path, operation: "list", errno: ENOENT)
        }
        for case let item as URL in walker {
            try syncPath(item)
        }
        try syncPath(url)
    }

    /// Every path synced, in order, while a test has set it to a list; nil (no record) otherwise.
    static let syncRecord = Mutex<[String]?>(nil)

    static func syncPath(_ url: URL) throws(FileError) {
        syncRecord.withLock { $0?.append(url.path) }
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: url.path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileError(path: url.path, operation: "fsync", errno: errno) }
    }

    /// Moves the folder `staged` to `target`. When `target` exists, the two are swapped in one
    /// step (`renameat2` with `RENAME_EXCHANGE`), so readers see the old folder or the new one
    /// and never a mix or a gap; the old one is then at `staged`, for the caller to remove.
    /// Returns whether something was replaced.
    static func move(_ staged: URL, to target: URL) throws(FileError) -> Bool {
        let parent = target.deletingLastPathComponent()
        try makeDurably(parent)
        var replaced = false
        if renameat2(AT_FDCWD, staged.path, AT_FDCWD, target.path, darkroom_rename_noreplace) != 0 {
            let noReplaceErrno = errno
            guard noReplaceErrno == EEXIST || noReplaceErrno == ENOTEMPTY else {
                throw unsupported(noReplaceErrno, target, "rename")
            }
            guard renameat2(AT_FDCWD, staged.path, AT_FDCWD, target.path, darkroom_rename_exchange) == 0 else {
                throw unsupported(errno, target, "exchange")
            }
            replaced = true
        }
        try syncPath(parent)
        try syncPath(staged.deletingLastPathComponent())
        return replaced
    }

    /// Creates `folder` and whichever of its ancestors are missing, one at a time from the top,
    /// syncing the parent of each one it creates: a new `<yyyy>` or `<mm>` is an entry in its
    /// parent like any other, lost in a power cut unless the parent is synced.
    static func makeDurably(_ folder: URL) throws(FileError) {
        var missing: [URL] = []
        var candidate = folder.standardizedFileURL
        while !FileManager.default.fileExists(atPath: candidate.path), candidate.path != "/" {
            missing.append(candidate)
            candidate = candidate.deletingLastPathComponent()
        }
        for created in missing.reversed() {
            if mkdir(created.path, 0o755) != 0 && errno != EEXIST {
                throw FileError(path: created.path, operation: "mkdir", errno: errno)
            }
            try syncPath(created.deletingLastPathComponent())
        }
    }

    /// File systems without renameat2's flags (NFS, some FUSE) answer EINVAL; say what to do.
    private static func unsupported(_ code: Int32, _ target: URL, _ operation: String) -> FileError {
        guard code == EINVAL else { return FileError(path: target.path, operation: operation, errno: code) }
        return FileError(path: target.path, operation: operation,
                         reason: "the file system does not support renameat2's RENAME_NOREPLACE and RENAME_EXCHANGE; keep the data folder on a local Linux file system (ext4, xfs, btrfs, tmpfs, overlayfs)",
                         code: code)
    }
}
