import ArgumentParser
import DarkroomQueue
import Foundation

/// `--database`, for the verbs that read or change the task store besides `serve`.
struct DatabaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The task store: sqlite:PATH or postgres://user:password@host:port/database[?sslmode=disable|prefer|require]. Default: $DARKROOM_DATABASE, else sqlite:<data>/darkroom.sqlite. Prefer the variable for a password: a flag shows in ps.",
        valueName: "url"))
    var database: String?

    /// The store named, or the data folder's SQLite file.
    func settings(data: DataOptions) throws -> TaskStoreSettings {
        guard let text = database ?? ProcessInfo.processInfo.environment["DARKROOM_DATABASE"] else {
            return TaskStoreSettings(data: URL(fileURLWithPath: data.data))
        }
        do {
            return TaskStoreSettings(database: try DatabaseSetting(parsing: text))
        } catch {
            throw ValidationError(error.reason)
        }
    }

    /// The store named, for a verb that only works on one that exists: a data folder without
    /// its SQLite file is an error (exit 1), not an empty store to create.
    func existing(data: DataOptions) throws -> TaskStoreSettings {
        let settings = try settings(data: data)
        if case .sqlite(let path) = settings.database, !FileManager.default.fileExists(atPath: path) {
            throw fail("no database at \(path)")
        }
        return settings
    }
}
