import Foundation

/// The JSON form of index files and catalog lines: keys sorted, slashes unescaped, times as
/// RFC 3339 UTC strings with milliseconds (`2025-11-21T05:20:00.000Z`).
public enum IndexCoding {
    /// `pretty` for `index.json`; one line for the catalog.
    public static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return decoder
    }

    /// `date` to the nearest millisecond. Written by hand because Foundation's ISO 8601 style
    /// truncates, and a time sent as whole milliseconds (1763702532530) is a binary fraction a
    /// hair below them (…532.529999), which it would print one millisecond early.
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = date.millisecondsSince1970
        let fraction = (milliseconds % 1000 + 1000) % 1000
        var seconds = time_t((milliseconds - fraction) / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, Int(fraction))
    }
}
