import ArgumentParser
import DarkroomCore
import Foundation

/// Where a setting not given as a flag comes from: the environment variable `DARKROOM_<NAME>`
/// (`--download-workers` reads `DARKROOM_DOWNLOAD_WORKERS`), then the key `<name>` of the JSON
/// config file (`download-workers`). Lists (`token`, `webhook-secret`) are space- or
/// comma-separated in the environment and arrays or strings in the file.
struct SettingLayers {
    let environment: [String: String]
    let file: [String: JSONValue]
    /// The config file's path, for messages; nil when there is none.
    let configPath: String?

    /// Reads the config file at `path` (a JSON object), if one is given.
    init(environment: [String: String], configPath: String?) throws {
        self.environment = environment
        self.configPath = configPath ?? environment["DARKROOM_CONFIG"]
        guard let path = self.configPath else {
            file = [:]
            return
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("config file \(path): \(error.localizedDescription)")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(data)
        } catch {
            throw ValidationError("config file \(path): not valid JSON (\(error))")
        }
        guard case .object(let object) = value else { throw ValidationError("config file \(path): not a JSON object") }
        let known = Set(ServeCommand.settingNames + ArchiveOptions.settingNames + PollOptions.settingNames + MediaSettings.configKeys)
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ValidationError("config file \(path): unknown key \"\(unknown)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        file = object
    }

    private static func variable(_ name: String) -> String {
        "DARKROOM_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    func string(_ flag: String?, _ name: String) throws -> String? {
        if let flag { return flag }
        if let text = environment[Self.variable(name)] { return text }
        switch file[name] {
        case nil, .null: return nil
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .number(let number): return String(number)
        case .bool(let flag): return String(flag)
        default: throw ValidationError("config key \"\(name)\" must be a string, a number or a boolean")
        }
    }

    func int(_ flag: Int?, _ name: String, default fallback: Int, minimum: Int, maximum: Int? = nil) throws -> Int {
        guard let text = try string(flag.map(String.init), name) else { return fallback }
        guard let value = Int(text), value >= minimum, value <= maximum ?? .max else {
            let range = maximum.map { "from \(minimum) to \($0)" } ?? "at least \(minimum)"
            throw ValidationError("\(name) must be a whole number \(range) (got \(text))")
        }
        return value
    }

    func double(_ flag: Double?, _ name: String, default fallback: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let text = try string(flag.map { String($0) }, name) else { return fallback }
        guard let value = Double(text), range.contains(value) else {
            throw ValidationError("\(name) must be a number from \(range.lowerBound) to \(range.upperBound) (got \(text))")
        }
        return value
    }

    /// The media settings of the config file (rendition profiles, thumbnails, …), each checked,
    /// a mistake named by its key path.
    func media() throws -> MediaSettings {
        do {
            return try MediaSettings(config: file)
        } catch {
            throw ValidationError("config file \(configPath ?? "?"): \(error)")
        }
    }

    func bool(_ flag: Bool, _ name: String) throws -> Bool {
        if flag { return true }
        guard let text = try string(nil, name) else { return false }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: throw ValidationError("\(name) must be true or false (got \(text))")
        }
    }

    func list(_ flags: [String], _ name: String) throws -> [String] {
        if !flags.isEmpty { return flags }
        if let text = environment[Self.variable(name)] {
            let items = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            // Set but empty is a value, not an absence: an empty token, which serve refuses.
            return items.isEmpty ? [""] : items
        }
        switch file[name] {
        case nil, .null: return []
        case .string(let text): return [text]
        case .array(let items):
            return try items.map { item in
                guard case .string(let text) = item else { throw ValidationError("config key \"\(name)\" must hold strings") }
                return text
            }
        default: throw ValidationError("config key \"\(name)\" must be a string or an array of strings")
        }
    }
}
