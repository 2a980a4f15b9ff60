import Crypto
import Foundation

/// SHA-256 of a file that another thread is appending to, computed on a thread of its own by
/// reading back what was written (from the page cache), so hashing overlaps the download instead
/// of slowing libcurl's thread. Memory is one read buffer, whatever the file's size.
///
/// The writer calls `appended(_:)` after each write, `restart()` after emptying the file, and
/// `finish()` for the digest of everything written; `stop()` abandons it. Both return only once
/// the thread has closed its descriptor, so a deleted file's space is freed at once. All state
/// shared with the hashing thread sits behind `condition`.
final class FollowingHasher: @unchecked Sendable {
    private let condition = NSCondition()
    private let descriptor: Int32
    // Guarded by `condition`:
    private var written: Int64 = 0
    private var generation = 0
    private var finishing = false
    private var stopped = false
    private var digest: String?
    private var readError: Int32?
    private var ended = false

    /// Opens `path` for reading; nil when it cannot be.
    init?(following path: String) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        let thread = Thread { [self] in run() }
        thread.name = "darkroom-hash"
        thread.start()
    }

    func appended(_ count: Int) {
        condition.withLock {
            written += Int64(count)
            condition.signal()
        }
    }

    /// The file was emptied; hashing starts again from its first byte.
    func restart() {
        condition.withLock {
            generation += 1
            written = 0
            condition.signal()
        }
    }

    /// Waits until every byte written is hashed: the lower-case hex digest, or the errno of a
    /// failed read back (EIO after `stop()`, which leaves no digest).
    func finish() -> Result<String, POSIXError> {
        condition.withLock {
            finishing = true
            condition.signal()
            while !ended { condition.wait() }
            if let digest { return .success(digest) }
            return .failure(POSIXError(POSIXErrorCode(rawValue: readError ?? EIO) ?? .EIO))
        }
    }

    /// Ends the hashing thread without a digest.
    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
            while !ended { condition.wait() }
        }
    }

    private func run() {
        var hasher = SHA256()
        var hashed: Int64 = 0
        var seenGeneration = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 64)
        defer { buffer.deallocate() }

        condition.lock()
        defer {
            close(descriptor)
            ended = true
            condition.broadcast()
            condition.unlock()
        }
        while true {
            if generation != seenGeneration {
                hasher = SHA256()
                hashed = 0
                seenGeneration = generation
            }
            if stopped { break }
            if hashed == written {
                if finishing {
                    digest = hasher.finalize().hexString
                    break
                }
                condition.wait()
                continue
            }
            let target = written
            let round = generation
            condition.unlock()
            // Reads what the writer has written; if it empties the file meanwhile, the
            // generation check above throws this round away.
            var failure: Int32?
            while hashed < target {
                let count = pread(descriptor, buffer.baseAddress, min(buffer.count, Int(target - hashed)), off_t(hashed))
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    failure = count < 0 ? errno : EIO
                    break
                }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                hashed += Int64(count)
            }
            condition.lock()
            if let failure, generation == round {
                readError = failure
                break
            }
        }
    }
}
