import DarkroomFetch
import Foundation
import Synchronization

/// A one-line progress bar on stderr, redrawn at most ten times a second. Called from
/// libcurl's thread, so its state sits behind a lock.
final class ProgressBar: Sendable {
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    func show(_ progress: FetchProgress) {
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last in
            if let previous = last, now - previous < .milliseconds(100) { return false }
            last = now
            return true
        }
        guard due else { return }
        let line: String
        if let expected = progress.expected, expected > 0 {
            let fraction = min(1, Double(progress.received) / Double(expected))
            let filled = Int(fraction * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
            line = "[\(bar)] \(Int(fraction * 100))% \(Self.megabytes(progress.received)) / \(Self.megabytes(expected))"
        } else {
            line = "\(Self.megabytes(progress.received))"
        }
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
