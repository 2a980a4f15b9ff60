import DarkroomCore
import Foundation
import Synchronization

/// A task folder being assembled in the archive's staging area (`ArchiveStore.stagingRoot`;
/// for a folder archive `<archive>/.staging/`, on its own file system so that it can be moved
/// into place with one rename). Owned by one job: unless `committed()` is
/// called after the move, the folder and all in it are removed when the owner lets go of it, so
/// a failed job leaves no debris.
///
/// Each folder `<name>` has a lock file `<name>.lock` that its process holds (`flock`) for as
/// long as the folder is in use; the kernel lets go of it when the process dies, however it
/// dies. `removeAbandoned` removes the folders whose lock no one holds. Process ids would not
/// do: in a container the server is pid 1 on every start, and processes in other pid namespaces
/// sharing the volume have ids that mean nothing here.
final class StagingFolder: Sendable {
    let url: URL
    private let lock: URL
    private let descriptor: Int32
    private let done = Mutex(false)

    init(root: URL) throws(FileError) {
        let name = UInt64.random(in: 0...UInt64.max).hexDigits + "-" + UInt64.random(in: 0...UInt64.max).hexDigits
        url = root.appendingPathComponent(name, isDirectory: true)
        lock = root.appendingPathComponent(name + Self.lockSuffix)
        try Folder.make(root)
        // The lock is taken before the folder exists, so a cleaner never sees the folder unlocked.
        descriptor = try Self.takeLock(at: lock.path)
        do throws(FileError) {
            try Folder.make(url)
        } catch {
            unlink(lock.path)
            close(descriptor)
            throw error
        }
    }

    /// The folder was moved into the archive; there is nothing left to remove.
    func committed() {
        done.withLock { $0 = true }
    }

    deinit {
        if !done.withLock({ $0 }) {
            try? FileManager.default.removeItem(at: url)
        }
        unlink(lock.path)
        close(descriptor)
    }

    static let lockSuffix = ".lock"

    /// Creates and locks the file at `path`. Another worker's cleaner (`removeAbandoned`) may
    /// find the file between its creation and its locking, take its lock for a moment, and
    /// unlink it as a dead process's: the lock is ours only if the path still names the file we
    /// locked, and otherwise we start again with a new file. (The name is random: no one else
    /// ever holds its lock for longer than that.)
    private static func takeLock(at path: String) throws(FileError) -> Int32 {
        var lastError = ESTALE
        for _ in 0..<100 {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
            var held = stat()
            var named = stat()
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                lastError = errno
                close(descriptor)
                guard lastError == EWOULDBLOCK else { break }
                continue
            }
            guard fstat(descriptor, &held) == 0 else {
                lastError = errno
                close(descriptor)
                break
            }
            guard stat(path, &named) == 0, named.st_ino == held.st_ino, named.st_dev == held.st_dev else {
                lastError = ESTALE
                close(descriptor)
                continue
            }
            return descriptor
        }
        throw FileError(path: path, operation: "flock", errno: lastError)
    }

    /// Removes what dead processes left in `.staging/`: folders being assembled, and old task
    /// folders swapped out but not yet deleted. A folder whose lock file is held belongs to a
    /// live process and is left alone; one without a lock file is a dead process's.
    static func removeAbandoned(in root: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return }
        for name in names where !name.hasSuffix(lockSuffix) {
            let lock = root.appendingPathComponent(name + lockSuffix).path
            let descriptor = open(lock, O_RDWR | O_CLOEXEC)
            if descriptor >= 0 {
                defer { close(descriptor) }
                guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
                try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
                unlink(lock)
            } else if errno == ENOENT {
                try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
            }
        }
        // Lock files of folders already gone, left by a process killed between the two removals.
        for name in names where name.hasSuffix(lockSuffix) {
            let folder = root.appendingPathComponent(String(name.dropLast(lockSuffix.count))).path
            guard !FileManager.default.fileExists(atPath: folder) else { continue }
            let path = root.appendingPathComponent(name).path
            let descriptor = open(path, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { unlink(path) }
            close(descriptor)
        }
    }
}

extension UInt64 {
    fileprivate var hexDigits: String { String(self, radix: 16) }
}
