import Foundation

/// Text from outside (ids, messages, paths) made safe for a log line: control characters,
/// line and paragraph separators and the bidi overrides are written as `\u{…}` escapes, so
/// nothing that a caller sends can end a line, forge another, or reorder what a reader sees;
/// anything over `limit` characters is cut with a mark.
public enum LogText {
    public static func escaped(_ text: some StringProtocol, limit: Int = 512) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…(cut)"
                break
            }
            count += 1
            if isUnsafe(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else if scalar == "\\" {
                out += "\\\\"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A request target with the values of credential parameters (`token`, `admin_token`, and
    /// any whose name says key, secret, signature or password) replaced by `REDACTED`.
    public static func redactedTarget(path: String, query: String?) -> String {
        guard let query, !query.isEmpty else { return escaped(path) }
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            let name = part.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return isCredential(name) ? name + "=REDACTED" : String(part)
        }
        return escaped(path + "?" + parts.joined(separator: "&"))
    }

    static func isCredential(_ name: String) -> Bool {
        let lower = (name.removingPercentEncodingLenient).lowercased()
        return ["token", "key", "secret", "signature", "password", "sig", "credential"].contains { lower.contains($0) }
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

extension String {
    /// Percent-decoded where the text is valid percent-encoding, else as it is.
    fileprivate var removingPercentEncodingLenient: String { removingPercentEncoding ?? self }
}
