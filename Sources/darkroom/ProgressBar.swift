import DarkroomFetch
import Foundation
import Synchronization

/// A one-line progress display on stderr, redrawn at most ten times a second (a new `label`
/// always redraws). Called from libcurl's and the media threads, so its state sits behind a lock.
final class ProgressBar: Sendable {
    private let lastDraw = Mutex<(at: ContinuousClock.Instant, label: String)?>(nil)

    /// Shows a download's progress, after `label` when there is one.
    func show(_ progress: FetchProgress, label: String = "") {
        let prefix = label.isEmpty ? "" : label + "  "
        if let expected = progress.expected, expected > 0 {
            let fraction = min(1, Double(progress.received) / Double(expected))
            let filled = Int(fraction * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
            say("\(prefix)[\(bar)] \(Int(fraction * 100))% \(Self.megabytes(progress.received)) / \(Self.megabytes(expected))", label: label)
        } else {
            say(prefix + Self.megabytes(progress.received), label: label)
        }
    }

    /// Replaces the line with `text`.
    func say(_ text: String, label: String = "") {
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last in
            if let previous = last, previous.label == label, now - previous.at < .milliseconds(100) { return false }
            last = (now, label)
            return true
        }
        guard due else { return }
        FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K").utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
