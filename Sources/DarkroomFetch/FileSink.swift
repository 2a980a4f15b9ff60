import DarkroomCore
import Foundation

/// Where a transfer's body goes: a temporary file beside the destination, counted as it is
/// written and hashed (SHA-256) by a `FollowingHasher` on another core. libcurl hands over at
/// most 16 KiB at a time, so pieces are gathered into `bufferSize` before each write: a
/// write, and a wake-up of the hasher, per 512 KiB rather than per 16 KiB. Memory is that buffer
/// whatever the file's size. The one owner of the file descriptor and the buffer. Ends with
/// `commit()` or `discard()`; `deinit` discards one that did neither.
final class FileSink {
    let destination: String
    let temporaryPath: String
    private(set) var bytesWritten: Int64 = 0
    private(set) var writeErrno: Int32 = 0
    private var descriptor: Int32
    private let hasher: FollowingHasher
    private static let bufferSize = 512 << 10
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FileSink.bufferSize, alignment: 64)
    private var buffered = 0
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
        guard let hasher = FollowingHasher(following: temporaryPath) else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporaryPath)
            throw .destination("cannot read back \(temporaryPath): \(reason)")
        }
        self.hasher = hasher
    }

    deinit {
        discard()
        buffer.deallocate()
    }

    /// Closes and deletes the temporary file; the destination is left as it was.
    func discard() {
        hasher.stop()
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
        if buffered + bytes.count > buffer.count {
            guard flush() else { return false }
        }
        if bytes.count >= buffer.count {
            guard writeOut(bytes) else { return false }
        } else {
            UnsafeMutableRawBufferPointer(rebasing: buffer[buffered..<buffered + bytes.count]).copyMemory(from: bytes)
            buffered += bytes.count
        }
        bytesWritten += Int64(bytes.count)
        return true
    }

    /// Writes out what is gathered in the buffer.
    private func flush() -> Bool {
        defer { buffered = 0 }
        return buffered == 0 || writeOut(UnsafeRawBufferPointer(rebasing: buffer[0..<buffered]))
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) -> Bool {
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
        hasher.appended(bytes.count)
        return true
    }

    /// Empties the file to start the body over (the server ignored a Range, or the file changed).
    func reset() -> Bool {
        guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) == 0 else {
            writeErrno = errno
            return false
        }
        hasher.restart()
        buffered = 0
        bytesWritten = 0
        return true
    }

    /// Syncs the file, closes it and renames it onto the destination. Returns the hex SHA-256.
    func commit() throws(FetchError.Cause) -> String {
        guard flush() else {
            throw .destination("cannot write \(temporaryPath): \(String(cString: strerror(writeErrno)))")
        }
        let sha256: String
        switch hasher.finish() {
        case .success(let digest): sha256 = digest
        case .failure(let error): throw .destination("cannot read back \(temporaryPath) to hash it: \(String(cString: strerror(error.code.rawValue)))")
        }
        guard fsync(descriptor) == 0 else { throw .destination("cannot sync \(temporaryPath): \(String(cString: strerror(errno)))") }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, destination) == 0 else {
            throw .destination("cannot rename to \(destination): \(String(cString: strerror(errno)))")
        }
        finished = true
        Checkpoint.reached()
        return sha256
    }
}
