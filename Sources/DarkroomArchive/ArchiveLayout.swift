import DarkroomCore
import Foundation

/// Where things are in a folder archive (DESIGN.md, "The archive"), by default
/// `<data>/archive`: `<yyyy>/<mm>/<dd>/<task>/` per task, the catalog `index.jsonl`, and, hidden
/// beside them on the same file system, `.staging/` for task folders being assembled and
/// `.lock` for writers of the catalog.
///
/// Every path it gives is built from fixed names, digits and `SafeName` parts, so nothing
/// outside `root` can be named, whatever the callback said.
public struct ArchiveLayout: Sendable, Equatable {
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// The archive of the data folder `data`: `<data>/archive`.
    public init(data: URL) {
        self.init(root: data.appendingPathComponent("archive", isDirectory: true))
    }

    public var catalog: URL { root.appendingPathComponent("index.jsonl") }
    var staging: URL { root.appendingPathComponent(".staging", isDirectory: true) }
    var lock: URL { root.appendingPathComponent(".lock") }

    /// The task's folder relative to `root`: the date (UTC) the generator created it, else the
    /// date it last updated it, else `fallback`; then `taskName(event.key)`.
    public static func folder(for event: CallbackEvent, fallback: Date) -> String {
        let date = event.createdAt ?? event.updatedAt ?? fallback
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let day = calendar.dateComponents([.year, .month, .day], from: date)
        let parts = [
            String(format: "%04d", day.year ?? 1970), String(format: "%02d", day.month ?? 1),
            String(format: "%02d", day.day ?? 1), taskName(event.key),
        ]
        return parts.joined(separator: "/")
    }

    /// The last part of a task's folder: the id as a safe name for Kling, whose folders were
    /// named so before there were other providers, and `<provider>@<safe name>` for the others.
    /// No two keys share a name: a safe name holds `@` only as its first character, a provider's
    /// name never, and Kling's names have none before their first character.
    public static func taskName(_ key: TaskKey) -> String {
        let name = SafeName.pathComponent(for: key.id)
        return key.provider == Kling.name ? name : key.provider + "@" + name
    }

    /// The absolute URL of a task folder given relative to `root`.
    public func url(ofFolder folder: String) -> URL {
        root.appendingPathComponent(folder, isDirectory: true)
    }
}
