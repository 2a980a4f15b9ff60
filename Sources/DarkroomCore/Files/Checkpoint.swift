import Foundation
import Synchronization

/// The points, just after a file is put in place, where a test may have the process killed to
/// show that a crash at any moment loses nothing and leaves no half task.
///
/// With `DARKROOM_TEST_KILL_AT=N` in the environment, the process sends itself SIGKILL on
/// reaching the Nth checkpoint; without it, `reached()` does nothing. The count is shared with
/// the process's media children (`childEnvironment`, a counter file), so the Nth point may be a
/// child's: the child then kills its parent and itself, as a power cut would kill both.
///
/// With `DARKROOM_TEST_PAUSE_AT=<name>` and `DARKROOM_TEST_PAUSE_FILE=<path>`, the process
/// creates the file on reaching the checkpoint of that name and waits until the file is gone:
/// a test can break something (stop the store) at exactly that point, then let it go on.
public enum Checkpoint {
    private static let environment = ProcessInfo.processInfo.environment
    private static let killAt: Int? = environment["DARKROOM_TEST_KILL_AT"].flatMap { Int($0) }
    private static let isChild = environment["DARKROOM_TEST_KILL_PARENT"] == "1"
    private static let counter: String = environment["DARKROOM_TEST_KILL_COUNTER"]
        ?? NSTemporaryDirectory() + "darkroom-checkpoints-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    private static let lock = Mutex(())
    private static let pauseAt = environment["DARKROOM_TEST_PAUSE_AT"]
    private static let pauseFile = environment["DARKROOM_TEST_PAUSE_FILE"]

    public static func reached(_ name: String? = nil) {
        if let name, name == pauseAt, let pauseFile, FileManager.default.createFile(atPath: pauseFile, contents: nil) {
            while FileManager.default.fileExists(atPath: pauseFile) { usleep(10_000) }
        }
        guard let killAt else { return }
        if next() == killAt {
            if isChild { kill(getppid(), SIGKILL) }
            kill(getpid(), SIGKILL)
        }
    }

    /// What a media child's environment needs to count on from where this process is.
    public static var childEnvironment: [String: String] {
        guard let killAt else { return [:] }
        return ["DARKROOM_TEST_KILL_AT": String(killAt), "DARKROOM_TEST_KILL_COUNTER": counter, "DARKROOM_TEST_KILL_PARENT": "1"]
    }

    /// The shared count, plus one.
    private static func next() -> Int {
        lock.withLock { _ in
            let descriptor = open(counter, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { return 0 }
            defer { close(descriptor) }
            flock(descriptor, LOCK_EX)
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = read(descriptor, &bytes, bytes.count)
            let value = (count > 0 ? Int(String(decoding: bytes[0..<count], as: UTF8.self)) : nil) ?? 0
            let text = Array(String(value + 1).utf8)
            _ = pwrite(descriptor, text, text.count, 0)
            return value + 1
        }
    }
}
