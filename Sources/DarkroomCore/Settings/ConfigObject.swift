/// A setting of the config file that cannot be used, named by its key path
/// (`renditions[1].crf: must be 0…51`), so the operator finds it in the file at once.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// One JSON object of the config file, read key by key: each value is checked for its type and
/// range, and a key it does not know is refused rather than ignored (a misspelt key would
/// otherwise leave a default in place without a word).
struct ConfigObject {
    let fields: [String: JSONValue]
    /// Where the object is in the file: "" for the top, `renditions[0]`, `thumbnails`.
    let path: String

    init(_ value: JSONValue, at path: String) throws(ConfigError) {
        guard case .object(let fields) = value else { throw ConfigError(path: path, "must be an object, not \(value.kindName)") }
        self.fields = fields
        self.path = path
    }

    init(fields: [String: JSONValue]) {
        self.fields = fields
        path = ""
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Refuses any key of the object outside `known`, naming the ones it takes.
    func refuseUnknown(_ known: [String]) throws(ConfigError) {
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigError(path: keyPath(unknown), "unknown key (known here: \(known.joined(separator: ", ")))")
        }
    }

    func has(_ key: String) -> Bool {
        switch fields[key] {
        case nil, .null?: false
        default: true
        }
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard has(key), let value = fields[key] else { return nil }
        guard case .integer(let number) = value, let int = Int(exactly: number), range.contains(int) else {
            throw ConfigError(path: keyPath(key), "must be a whole number \(range.lowerBound)…\(range.upperBound) (got \(value.displayText))")
        }
        return int
    }

    func double(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard has(key), let value = fields[key] else { return nil }
        let number: Double? = switch value {
        case .integer(let whole): Double(whole)
        case .number(let real): real
        default: nil
        }
        guard let number, range.contains(number) else {
            throw ConfigError(path: keyPath(key), "must be a number \(range.lowerBound.shortText)…\(range.upperBound.shortText) (got \(value.displayText))")
        }
        return number
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard has(key), let value = fields[key] else { return nil }
        guard case .bool(let flag) = value else { throw ConfigError(path: keyPath(key), "must be true or false (got \(value.displayText))") }
        return flag
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard has(key), let value = fields[key] else { return nil }
        guard case .string(let text) = value else { throw ConfigError(path: keyPath(key), "must be a string (got \(value.displayText))") }
        return text
    }

    /// A string that must be one of `choices`.
    func choice(_ key: String, _ choices: [String]) throws(ConfigError) -> String? {
        guard let text = try string(key) else { return nil }
        guard choices.contains(text) else {
            throw ConfigError(path: keyPath(key), "must be one of \(choices.joined(separator: ", ")) (got \(JSONValue.string(text).displayText))")
        }
        return text
    }

    func object(_ key: String) throws(ConfigError) -> ConfigObject? {
        guard has(key), let value = fields[key] else { return nil }
        return try ConfigObject(value, at: keyPath(key))
    }

    func array(_ key: String) throws(ConfigError) -> [JSONValue]? {
        guard has(key), let value = fields[key] else { return nil }
        guard case .array(let items) = value else { throw ConfigError(path: keyPath(key), "must be an array (got \(value.kindName))") }
        return items
    }
}

extension Double {
    /// `0.25`, `3` or `1e+300`: without the `.0` that `String(3.0)` adds.
    var shortText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
