import DarkroomCore
import Foundation
import Synchronization

/// What the downloads of one task may take together: at most `maxTaskBytes` in all (0: no
/// cap), and never so much that the file system they land on drops under `minFreeBytes` free
/// (0: not checked).
///
/// A download is judged when its server says how long the body is (its remaining bytes, plus
/// what the task's other downloads still expect, against the free space) and on every block
/// it writes (the task's total against the cap), so a server that announces nothing or lies
/// is stopped all the same.
public final class DownloadBudget: Sendable {
    public let maxTaskBytes: Int64
    public let minFreeBytes: Int64
    /// Where the free space is measured: the folder the downloads land in.
    public let folder: URL

    private struct Download {
        var written: Int64 = 0
        var expected: Int64?
    }

    /// By destination path.
    private let downloads = Mutex<[String: Download]>([:])

    public init(maxTaskBytes: Int64, minFreeBytes: Int64, folder: URL) {
        self.maxTaskBytes = maxTaskBytes
        self.minFreeBytes = minFreeBytes
        self.folder = folder
    }

    /// The download to `destination` has `written` bytes and its server announced `expected`
    /// in all: a cause to refuse it, or nil to go on. Refused, it no longer counts. Judged under
    /// the lock, so two downloads announced at once cannot both take the last of the room.
    func admit(_ destination: String, expected: Int64, written: Int64) -> FetchError.Cause? {
        downloads.withLock { downloads in
            downloads.removeValue(forKey: destination)
            let others = downloads.values
            // Announced lengths are the servers' numbers: added saturating, never trapping.
            let claimed = others.reduce(Int64(0)) { Self.sum($0, max($1.expected ?? $1.written, $1.written)) }
            if maxTaskBytes > 0, Self.sum(claimed, expected) > maxTaskBytes { return .taskTooLarge(limit: maxTaskBytes) }
            // A reserve of 0 turns the free-space check off: a full disk is then a failed write.
            if minFreeBytes > 0, let free = DiskSpace.available(at: folder) {
                let pending = others.reduce(Int64(0)) { Self.sum($0, max(0, ($1.expected ?? $1.written) - $1.written)) }
                let needed = Self.sum(max(0, expected - written), pending)
                if free - needed < minFreeBytes { return .noSpace(needed: needed, free: free, reserve: minFreeBytes) }
            }
            downloads[destination] = Download(written: written, expected: expected)
            return nil
        }
    }

    /// The download to `destination` now holds `written` bytes: a cause to stop it when the
    /// task's downloads are over the cap together. Stopped, it no longer counts, so the others
    /// go on.
    func written(_ destination: String, bytes written: Int64) -> FetchError.Cause? {
        guard maxTaskBytes > 0 else { return nil }
        return downloads.withLock { downloads in
            downloads[destination, default: Download()].written = written
            guard downloads.values.reduce(Int64(0), { $0 + $1.written }) > maxTaskBytes else { return nil }
            downloads.removeValue(forKey: destination)
            return .taskTooLarge(limit: maxTaskBytes)
        }
    }

    private static func sum(_ first: Int64, _ second: Int64) -> Int64 {
        let (total, overflow) = first.addingReportingOverflow(second)
        return overflow ? .max : total
    }

    /// The download's bytes no longer count (it failed, and its partial file is gone).
    func release(_ destination: String) {
        _ = downloads.withLock { $0.removeValue(forKey: destination) }
    }
}
