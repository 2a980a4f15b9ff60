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
}
