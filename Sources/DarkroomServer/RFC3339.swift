import Foundation

/// A query parameter's RFC 3339 time. Foundation's ISO 8601 parser takes `T` and `Z` in upper
/// case only and offsets up to ±18:00; RFC 3339 lets both letters be lower case and an offset
/// reach ±23:59, so the offset is applied here.
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        let text = text.uppercased()
        let utf8 = Array(text.utf8)
        guard utf8.count > 6 else { return nil }
        let tail = Array(utf8.suffix(6))
        guard tail[0] == UInt8(ascii: "+") || tail[0] == UInt8(ascii: "-") else { return try? Date(text, strategy: .iso8601) }
        let digits = [tail[1], tail[2], tail[4], tail[5]].map { Int($0) - 0x30 }
        guard tail[3] == UInt8(ascii: ":"), digits.allSatisfy({ (0...9).contains($0) }) else { return nil }
        let hours = digits[0] * 10 + digits[1], minutes = digits[2] * 10 + digits[3]
        guard hours <= 23, minutes <= 59 else { return nil }
        let utc = String(decoding: utf8.dropLast(6), as: UTF8.self) + "Z"
        guard let date = try? Date(utc, strategy: .iso8601) else { return nil }
        let offset = TimeInterval((hours * 60 + minutes) * 60)
        return tail[0] == UInt8(ascii: "+") ? date - offset : date + offset
    }
}
