import Logging
import NIOCore
import NIOPosix

/// The threads `darkroom serve` runs its connections and its Swift tasks on (`--threads`).
///
/// By default: one event loop per core, and Swift's own pool of a thread per core for the
/// tasks, every request hopping between the two. With one thread, the tasks run on the event
/// loop itself, so the process never switches threads to take a callback: several processes on
/// one machine, each given its share of the cores, then take more callbacks together than with a
/// loop and a pool each (docs/database.md, "Two processes on one machine"). With several loops
/// the tasks stay on Swift's pool: measured, running them on NIO's loops made one process
/// slower. Blocking work (downloads, media, file writes) keeps threads of its own either way.
enum ServiceThreads {
    /// Must run before anything uses NIO's event loops, and once: NIO fixes the count at first use.
    static func use(_ count: Int, logger: Logger) {
        NIOSingletons.groupLoopCountSuggestion = count
        guard count == 1 else { return }
        if !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            logger.warning("Swift tasks keep their own pool: this Swift runtime does not let the event loop run them")
        }
    }
}
