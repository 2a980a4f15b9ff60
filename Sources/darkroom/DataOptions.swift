import ArgumentParser
import DarkroomArchive
import Foundation

/// `--data`, shared by the commands that use the archive.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The data folder; the archive is its archive/ folder. Default: $DARKROOM_DATA, else ./darkroom-data.",
        valueName: "dir"))
    var data: String = ProcessInfo.processInfo.environment["DARKROOM_DATA"] ?? "darkroom-data"

    var layout: ArchiveLayout { ArchiveLayout(data: URL(fileURLWithPath: data)) }

    /// The layout of an archive that exists: a mistyped `--data` must not read as an empty
    /// archive that "all matches". Exit 1 naming the path otherwise.
    func existingArchive() throws -> ArchiveLayout {
        let layout = self.layout
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data, isDirectory: &isFolder), isFolder.boolValue else {
            throw fail("no data folder at \(data) (--data, or $DARKROOM_DATA)")
        }
        guard FileManager.default.fileExists(atPath: layout.root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw fail("\(data) holds no archive (no \(layout.root.lastPathComponent)/ folder in it)")
        }
        return layout
    }
}
