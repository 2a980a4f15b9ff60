import Foundation
import Synchronization

/// The points, just after a file is put in place, where a test may have the process killed to
/// show that a crash at any moment loses nothing and leaves no half task.
///
/// With `DARKROOM_TEST_KILL_AT=N` in the environment, the process sends itself SIGKILL on
/// reaching its Nth checkpoint; without it, `reached()` does nothing. Nothing else reads it.
public enum Checkpoint {
    private static let killAt: Int? = ProcessInfo.processInfo.environment["DARKROOM_TEST_KILL_AT"].flatMap { Int($0) }
    private static let passed = Atomic<Int>(0)

    public static func reached() {
        guard let killAt else { return }
        if passed.add(1, ordering: .relaxed).newValue == killAt {
            kill(getpid(), SIGKILL)
        }
    }
}
