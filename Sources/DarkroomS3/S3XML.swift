/// Just enough XML for S3's answers (`ListBucketResult`, `InitiateMultipartUploadResult`,
/// `Error`): the text of simple elements, found by name. The answers are flat and machine-made;
/// anything unexpected reads as absent, never as a crash.
enum S3XML {
    /// The text of every `<tag>…</tag>` in `xml`, entities decoded, in order.
    static func values(_ tag: String, in xml: Substring) -> [String] {
        elements(tag, in: xml).map { decode($0) }
    }

    static func value(_ tag: String, in xml: Substring) -> String? {
        values(tag, in: xml).first
    }

    /// The inner text of every `<tag>…</tag>`, raw.
    static func elements(_ tag: String, in xml: Substring) -> [Substring] {
        var found: [Substring] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest[open.upperBound...].range(of: "</\(tag)>") {
            found.append(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return found
    }

    private static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var decoded = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            decoded += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semicolon) <= 10 else {
                decoded += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": decoded += "&"
            case "lt": decoded += "<"
            case "gt": decoded += ">"
            case "quot": decoded += "\""
            case "apos": decoded += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                decoded += number.flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? "&\(entity);"
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return decoded + rest
    }
}
