import Foundation

/// Free space on a file system, as an unprivileged process may use it.
public enum DiskSpace {
    /// Bytes available at `url` (its file system), or nil when it cannot be asked.
    public static func available(at url: URL) -> Int64? {
        var info = statvfs()
        guard statvfs(url.path, &info) == 0 else { return nil }
        let (bytes, overflow) = Int64(info.f_bavail).multipliedReportingOverflow(by: Int64(info.f_frsize))
        return overflow ? Int64.max : bytes
    }
}
