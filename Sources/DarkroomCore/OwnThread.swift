import Foundation

/// Runs blocking work (decoding, encoding) on a thread of its own, off Swift's cooperative
/// pool, and awaits its result.
public enum OwnThread {
    public static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: body())
            }
            thread.name = name
            // Codecs are written for a main thread's stack; a secondary thread's default can be smaller.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
