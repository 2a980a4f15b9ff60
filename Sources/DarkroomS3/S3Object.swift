import Foundation

/// An object as a listing tells of it.
public struct S3Object: Sendable, Equatable {
    /// The key relative to the bucket's prefix.
    public var key: String
    public var size: Int64
    public var lastModified: Date?

    /// S3 writes `2009-10-12T17:50:30.000Z`; others leave the fraction out. One style each,
    /// made once: a listing has up to a thousand dates a page.
    static func date(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }

    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()
}
