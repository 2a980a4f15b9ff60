import Foundation

extension Date {
    /// Whole milliseconds since 1970, rounded: how callbacks send times, how the task store keeps
    /// them and what index files print.
    public var millisecondsSince1970: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
