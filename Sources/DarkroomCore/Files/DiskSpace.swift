import Foundation

/// Free space on a file system, as an unprivileged process may use it.
public enum DiskSpace {
    /// Bytes available at `url` (its file system, or its nearest existing folder's when it
    /// does not exist yet), or nil when it cannot be asked.
    public static func available(at url: URL) -> Int64? {
        var info = statvfs()
        var path = url.standardizedFileURL.path
        while statvfs(path, &info) != 0 {
            let parent = (path as NSString).deletingLastPathComponent
            // A relative or empty path has no parent to climb to: stop rather than loop.
            guard errno == ENOENT, !parent.isEmpty, parent != path else { return nil }
            path = parent
        }
        let (bytes, overflow) = Int64(info.f_bavail).multipliedReportingOverflow(by: Int64(info.f_frsize))
        return overflow ? Int64.max : bytes
    }
}
