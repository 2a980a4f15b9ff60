/// Picks, from decoded frames in presentation order, the frame shown at each of a set of
/// times: the last frame that starts at or before the time (the first frame for a time before
/// it, the last frame for a time past the end).
///
/// It keeps a reference to the previous frame only while the next time is within two frame
/// durations of it, so a decoded picture is pinned in memory only around the times wanted.
struct FramePicker<Purpose> {
    struct Pick {
        let purpose: Purpose
        let frame: Frame
        /// Seconds from the start of the video of the frame picked.
        let time: Double
    }

    private var targets: [(time: Double, purpose: Purpose)]
    private var previous: (frame: Frame, time: Double)?

    init(_ targets: [(time: Double, purpose: Purpose)]) {
        self.targets = targets.sorted { $0.time < $1.time }
    }

    /// Offers the next frame, at `time` seconds and lasting `duration`; returns the targets
    /// now settled.
    mutating func offer(_ frame: Frame, at time: Double, duration: Double) -> [Pick] {
        guard !targets.isEmpty else { return [] }
        var picks: [Pick] = []
        let shown = previous ?? (frame, time)
        while let target = targets.first, target.time < time {
            picks.append(Pick(purpose: target.purpose, frame: shown.frame, time: shown.time))
            targets.removeFirst()
        }
        let nextNeeded = targets.first.map { $0.time < time + 2 * max(duration, 0.001) } ?? false
        previous = nextNeeded ? (frame.reference(), time) : nil
        return picks
    }

    /// After the last frame: the remaining targets all get it.
    mutating func finish() -> [Pick] {
        guard let previous else { return [] }
        defer { targets.removeAll() }
        return targets.map { Pick(purpose: $0.purpose, frame: previous.frame, time: previous.time) }
    }
}
