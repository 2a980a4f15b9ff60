import DarkroomCore
import Foundation

/// An exclusive lock on the archive's catalog, across processes (`flock` on
/// `<archive>/.lock`): moving a task folder into place and writing its catalog line happen
/// under it, so two writers never interleave. Released when the value is let go of.
final class ArchiveLock {
    private let descriptor: Int32

    init(layout: ArchiveLayout) throws(FileError) {
        try Folder.make(layout.root)
        descriptor = open(layout.lock.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(path: layout.lock.path, operation: "open", errno: errno) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let code = errno
                close(descriptor)
                throw FileError(path: layout.lock.path, operation: "lock", errno: code)
            }
        }
    }

    deinit {
        close(descriptor)
    }
}
