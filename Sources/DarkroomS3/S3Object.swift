import Foundation

/// An object as a listing or a HEAD tells of it.
public struct S3Object: Sendable, Equatable {
    /// The key relative to the bucket's prefix.
    public var key: String
    public var size: Int64
    public var lastModified: Date?

    /// S3 writes `2009-10-12T17:50:30.000Z`; others leave the fraction out.
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
