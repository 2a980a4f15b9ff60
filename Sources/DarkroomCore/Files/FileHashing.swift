import Crypto
import Foundation

extension StoredFile {
    /// Describes the file at `url` by reading it whole: its size and SHA-256, listed under
    /// `path` (relative to the task folder).
    public init(hashing url: URL, as path: String, contentType: String? = nil) throws(FileError) {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: url.path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        var hasher = SHA256()
        var total = 0
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, chunk)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(path: url.path, operation: "read", errno: errno)
            }
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            total += count
        }
        let digest = hasher.finalize().hexString
        self.init(path: path, bytes: total, sha256: digest, contentType: contentType)
    }
}

extension StoredFile {
    /// Writes `data` to `url` (temporary name, fsync, rename) and describes the file under `path`.
    public static func write(_ data: Data, to url: URL, as path: String) throws(FileError) -> StoredFile {
        try StagedFile.replace(url, with: data)
        return try StoredFile(hashing: url, as: path)
    }
}
