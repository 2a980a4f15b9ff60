import Foundation

/// A file of an archived task as a server hands it out: its size, its hash (the ETag), and how
/// to reach its bytes.
public struct ArchivedFile: Sendable {
    public enum Access: Sendable {
        /// Darkroom hands out the bytes itself.
        case read(Reader)
        /// Where a browser fetches it itself (a presigned URL), when the store is reachable.
        case redirect(URL)
    }

    public enum Reader: Sendable {
        /// A regular file on this machine, its symbolic links resolved.
        case local(path: String)
        /// Small enough to be held: `index.json` from a bucket.
        case bytes(Data)
        /// Read a range at a time from the store, at most `ArchivedFile.window` bytes a read.
        case ranges(@Sendable (ClosedRange<Int64>) async throws -> Data)
    }

    public static let window: Int64 = 4 << 20

    public var size: Int64
    public var sha256: String
    public var access: Access

    public init(size: Int64, sha256: String, access: Access) {
        self.size = size
        self.sha256 = sha256
        self.access = access
    }
}
