import Foundation

/// Waits for a started `Process` to end, learning of it from the kernel (`waitid`, leaving the
/// child for Foundation to reap). Foundation itself learns of the end only when a socket the
/// child inherited closes, which any process that inherited it in turn holds open
/// (swift-corelibs-foundation #4795): a test that waited with `waitUntilExit` on Dispatch's
/// global queue, whose threads Swift's tasks share, stalled every server of the test process
/// until that other process ended (seen: five tests' requests cut off by the 60 s body time-out).
public enum ChildExit {
    /// The exit status, or the signal that ended the process; waits on a thread of its own.
    public static func status(of process: Process) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: wait(process)) }.start()
        }
    }

    /// Blocks the calling thread until the process has ended; its exit status, or its signal.
    public static func wait(_ process: Process) -> Int32 {
        if let info = waitUnreaped(process.processIdentifier) { return info._sifields._sigchld.si_status }
        // Foundation has reaped it already, and knows its status.
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Blocks until the child `pid` has ended, and leaves it to be reaped; nil when it is no
    /// child to wait for any more (reaped already).
    static func waitUnreaped(_ pid: pid_t) -> siginfo_t? {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 {
            guard errno == EINTR else { return nil }
        }
        return info
    }
}
