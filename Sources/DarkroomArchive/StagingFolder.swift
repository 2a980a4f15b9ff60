import DarkroomCore
import Foundation
import Synchronization

/// A task folder being assembled in `<archive>/.staging/`, on the archive's own file system so
/// that it can be moved into place with one rename. Owned by one job: unless `committed()` is
/// called after the move, the folder and all in it are removed when the owner lets go of it, so
/// a failed job leaves no debris.
///
/// Its name starts with the process id, so that the folders of a process that died (SIGKILL,
/// power loss) can be told from those of a live one and removed by `removeAbandoned`.
final class StagingFolder: Sendable {
    let url: URL
    private let done = Mutex(false)

    init(layout: ArchiveLayout) throws(FileError) {
        let name = "\(getpid())-\(UInt64.random(in: 0...UInt64.max).hexDigits)"
        url = layout.staging.appendingPathComponent(name, isDirectory: true)
        try Folder.make(url)
    }

    /// The folder was moved into the archive; there is nothing left to remove.
    func committed() {
        done.withLock { $0 = true }
    }

    deinit {
        if !done.withLock({ $0 }) {
            try? FileManager.default.removeItem(at: url)
        }
    }

    /// Removes what dead processes left in `.staging/`: folders being assembled, and old task
    /// folders swapped out but not yet deleted. Folders of live processes are left alone.
    static func removeAbandoned(in layout: ArchiveLayout) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: layout.staging.path) else { return }
        for name in names {
            guard let pid = name.split(separator: "-").first.flatMap({ pid_t($0) }), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: layout.staging.appendingPathComponent(name))
            }
        }
    }
}

extension UInt64 {
    fileprivate var hexDigits: String { String(self, radix: 16) }
}
