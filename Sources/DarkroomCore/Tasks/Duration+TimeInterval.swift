import Foundation

extension Duration {
    /// Seconds, for arithmetic with `Date`.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
