import Foundation

/// Rows for PostgreSQL's `jsonb_to_recordset`, written by hand: on the callback path JSONEncoder
/// took an eighth of the service's time (measured with perf under `Benchmarks/postgres.sh`).
/// Text never holds NUL, which jsonb refuses as `\u0000` and PostgreSQL's text cannot store: it
/// becomes U+FFFD.
struct RecordsetJSON {
    enum Value {
        case text(String?)
        case integer(Int64?)
        case object([String: String])
        /// Bytes as Base64 text, for `decode(…, 'base64')`.
        case bytes(Data)
    }

    private var text = "["
    private var isEmpty = true

    mutating func row(_ fields: KeyValuePairs<String, Value>) {
        text += isEmpty ? "{" : ",{"
        isEmpty = false
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { text += "," }
            append(string: key)
            text += ":"
            switch value {
            case .text(let string?): append(string: string)
            case .integer(let number?): text += String(number)
            case .text(nil), .integer(nil): text += "null"
            case .object(let object):
                text += "{"
                for (n, (name, string)) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                    if n > 0 { text += "," }
                    append(string: name)
                    text += ":"
                    append(string: string)
                }
                text += "}"
            case .bytes(let data): text += "\"" + data.base64EncodedString() + "\""
            }
        }
        text += "}"
    }

    var document: String { text + "]" }

    private mutating func append(string: String) {
        text += "\""
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            text += string
        } else {
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\0": text += "\u{FFFD}"
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
