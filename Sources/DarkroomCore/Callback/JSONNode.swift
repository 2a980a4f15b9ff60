import Foundation

/// A JSON value together with its path, with typed reads that fail as `CallbackError`s naming
/// that path. The callback decoder reads bodies through it so every error says where it is.
struct JSONNode {
    let value: JSONValue
    let path: JSONPath

    func malformed(_ problem: String) -> CallbackError {
        CallbackError(.malformed, at: path, problem)
    }

    var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    func object() throws(CallbackError) -> [String: JSONValue] {
        guard case .object(let fields) = value else { throw malformed("expected an object, found \(value.kindName)") }
        return fields
    }

    func array() throws(CallbackError) -> [JSONNode] {
        guard case .array(let items) = value else { throw malformed("expected an array, found \(value.kindName)") }
        return items.enumerated().map { JSONNode(value: $1, path: path.appending($0)) }
    }

    /// The field, or nil when it is absent or null.
    func field(_ key: String) throws(CallbackError) -> JSONNode? {
        guard let child = try object()[key] else { return nil }
        let node = JSONNode(value: child, path: path.appending(key))
        return node.isNull ? nil : node
    }

    func string() throws(CallbackError) -> String {
        guard case .string(let text) = value else { throw malformed("expected a string, found \(value.kindName)") }
        return text
    }

    /// An identifier sent as a string or as an integer (gateways do both).
    func identifier(maxLength: Int) throws(CallbackError) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .integer(let integer): text = String(integer)
        // JSON has one kind of number: 31978.0 is the integer 31978, as JSON Schema counts it.
        // Beyond 2^53 a number read as a double may not be the one that was written.
        case .number(let number) where number.rounded() == number && abs(number) <= 9_007_199_254_740_992:
            text = String(Int64(number))
        default: throw malformed("expected a string or an integer id, found \(value.kindName)")
        }
        guard !text.isEmpty else { throw malformed("is empty") }
        // No store can hold NUL in a key (PostgreSQL's text refuses it), nor a path a name.
        guard !text.unicodeScalars.contains("\0") else { throw malformed("holds a NUL character") }
        guard text.unicodeScalars.count <= maxLength else { throw malformed("longer than \(maxLength) characters") }
        return text
    }

    func integer() throws(CallbackError) -> Int64 {
        switch value {
        case .integer(let integer):
            return integer
        case .number(let number) where number.rounded() == number && abs(number) < 9e15:
            return Int64(number)
        case .string(let text):
            guard let integer = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw malformed("not an integer: \(quoted(text))")
            }
            return integer
        default:
            throw malformed("expected an integer, found \(value.kindName)")
        }
    }

    /// A finite, non-negative number of seconds given as a number or a string; nil for "".
    func seconds() throws(CallbackError) -> Double? {
        let seconds: Double
        switch value {
        case .integer(let integer):
            seconds = Double(integer)
        case .number(let number):
            seconds = number
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            guard let parsed = Double(trimmed) else { throw malformed("not a number of seconds: \(quoted(text))") }
            seconds = parsed
        default:
            throw malformed("expected seconds as a number or a string, found \(value.kindName)")
        }
        guard seconds.isFinite else { throw malformed("not a finite number of seconds: \(value.displayText)") }
        guard seconds >= 0 else { throw malformed("negative duration: \(value.displayText)") }
        return seconds
    }

    /// A Unix time in milliseconds.
    func millisecondsTime() throws(CallbackError) -> Date {
        let milliseconds = try integer()
        // Year 1970 to 9999: anything outside is a unit mix-up or garbage, not a time.
        guard (0...253_402_300_799_999).contains(milliseconds) else {
            throw malformed("not a Unix time in milliseconds: \(milliseconds)")
        }
        return Date(millisecondsSince1970: milliseconds)
    }

    /// An absolute http or https URL with a host.
    func httpURL(maxLength: Int) throws(CallbackError) -> URL {
        let text = try string()
        guard text.unicodeScalars.count <= maxLength else { throw malformed("URL longer than \(maxLength) characters") }
        guard let url = URL(string: text),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else { throw malformed("not an http(s) URL: \(quoted(text))") }
        return url
    }

    private func quoted(_ text: String) -> String {
        let shown = text.count > 80 ? text.prefix(80) + "…" : Substring(text)
        return "\"\(shown)\""
    }
}

extension JSONValue {
    /// The value as it might appear in JSON, short and on one line whatever it holds, for messages.
    var displayText: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .string(let value): "\"" + LogText.escaped(value, limit: 80) + "\""
        case .array: "[…]"
        case .object: "{…}"
        }
    }
}
