import Foundation

/// Folders of outputs and of the archive.
public enum Folder {
    /// Creates `url` and any missing parents; an existing folder is fine.
    public static func make(_ url: URL) throws(FileError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: url.path, operation: "mkdir", error: error)
        }
    }
}

extension Sequence<UInt8> {
    /// Lower-case hex, two digits a byte, as `sha256sum` prints digests.
    public var hexString: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
