import Crypto
import Foundation

/// Where a transfer's body goes: a temporary file beside the destination, hashed (SHA-256) and
/// counted as it is written, so memory stays constant whatever the size. The one owner of the
/// file descriptor. Ends with `commit()` or `discard()`; `deinit` discards one that did neither.
final class FileSink {
    let destination: String
    let temporaryPath: String
    private(set) var bytesWritten: Int64 = 0
    private(set) var writeErrno: Int32 = 0
    private var descriptor: Int32
    private var hasher = SHA256()
    /// Set once the temporary file is gone: renamed onto the destination or deleted.
    private var finished = false

    init(destination: String) throws(FetchError.Cause) {
        self.destination = destination
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        // Same folder, so the final rename never crosses file systems; a dot name so a listing
        // of the folder does not show half files as results.
        temporaryPath = folder + "/." + url.lastPathComponent + ".part-" + UUID().uuidString.prefix(8)
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .destination("cannot create \(temporaryPath): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        discard()
    }

    /// Closes and deletes the temporary file; the destination is left as it was.
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        if !finished {
            unlink(temporaryPath)
            finished = true
        }
    }

    /// Appends `bytes`; false when the disk refused them (the cause is in `writeErrno`).
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                writeErrno = errno
                return false
            }
            offset += written
        }
        hasher.update(bufferPointer: bytes)
        bytesWritten += Int64(bytes.count)
        return true
    }

    /// Empties the file to start the body over (the server ignored a Range, or the file changed).
    func reset() -> Bool {
        guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) == 0 else {
            writeErrno = errno
            return false
        }
        hasher = SHA256()
        bytesWritten = 0
        return true
    }

    /// Syncs the file, closes it and renames it onto the destination. Returns the hex SHA-256.
    func commit() throws(FetchError.Cause) -> String {
        guard fsync(descriptor) == 0 else { throw .destination("cannot sync \(temporaryPath): \(String(cString: strerror(errno)))") }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, destination) == 0 else {
            throw .destination("cannot rename to \(destination): \(String(cString: strerror(errno)))")
        }
        finished = true
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
