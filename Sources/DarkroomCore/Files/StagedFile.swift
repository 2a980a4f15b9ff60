import Foundation

/// A file being written under a temporary name next to its destination, so that the
/// destination either does not exist or is complete: `commit()` syncs the data to disk and
/// renames it into place; `discard()` (or an abandoned stage) removes the temporary file.
///
/// The temporary name starts with a dot and ends in `.part-<random>`, so listings and the
/// archive's readers skip it.
public struct StagedFile: Sendable {
    public let destination: URL
    public let temporary: URL

    public init(destination: URL) {
        self.destination = destination
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).part-\(suffix)")
    }

    /// Writes `data` to the temporary file. Errors name the destination and the system's
    /// reason (`No space left on device`).
    public func write(_ data: Data) throws(FileError) {
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(path: destination.path, operation: "create", errno: errno) }
        defer { close(descriptor) }
        let failure: Int32? = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw FileError(path: destination.path, operation: "write", errno: failure) }
    }

    /// fsync, then rename over the destination.
    public func commit() throws(FileError) {
        let descriptor = open(temporary.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: temporary.path, operation: "open", errno: errno) }
        let synced = fsync(descriptor)
        let syncErrno = errno
        close(descriptor)
        guard synced == 0 else {
            discard()
            throw FileError(path: temporary.path, operation: "fsync", errno: syncErrno)
        }
        guard rename(temporary.path, destination.path) == 0 else {
            let renameErrno = errno
            discard()
            throw FileError(path: destination.path, operation: "rename", errno: renameErrno)
        }
        Checkpoint.reached()
    }

    public func discard() {
        unlink(temporary.path)
    }

    /// Writes `data` to `destination` in one step: a temporary file, fsync, rename. On failure
    /// the destination is as it was and no temporary file is left.
    public static func replace(_ destination: URL, with data: Data) throws(FileError) {
        let staged = StagedFile(destination: destination)
        do {
            try staged.write(data)
            try staged.commit()
        } catch {
            staged.discard()
            throw error
        }
    }
}

/// A file operation that failed: which, on what path, and the system's reason
/// (`write /data/x/poster.jpg: No space left on device`).
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let reason: String
    /// The errno, when the system gave one (ENOSPC for a full disk).
    public let code: Int32?

    public init(path: String, operation: String, reason: String, code: Int32?) {
        self.path = path
        self.operation = operation
        self.reason = reason
        self.code = code
    }

    public init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.operation = operation
        self.reason = String(cString: strerror(code))
        self.code = code
    }

    public init(path: String, operation: String, error: any Error) {
        self.path = path
        self.operation = operation
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        // Foundation on Linux reports a missing file as a Cocoa error without the errno beneath.
        let missing = [CocoaError.fileNoSuchFile, .fileReadNoSuchFile].contains((error as? CocoaError)?.code)
        if let underlying, underlying.domain == NSPOSIXErrorDomain {
            self.code = Int32(underlying.code)
            self.reason = String(cString: strerror(Int32(underlying.code)))
        } else if missing {
            self.code = ENOENT
            self.reason = String(cString: strerror(ENOENT))
        } else {
            self.code = nil
            self.reason = error.localizedDescription
        }
    }

    public var description: String { "\(operation) \(path): \(reason)" }
}
