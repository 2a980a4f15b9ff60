import ArgumentParser
import DarkroomArchive
import DarkroomCore
import Foundation

struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the archive's catalog (archive/index.jsonl) from the task folders alone.",
        discussion: """
            Lists every task folder with an index.json, in the order they were archived, and \
            replaces the catalog in one rename. A folder whose index.json cannot be read is left \
            out and named on stderr, and the exit code is then 1.
            """
    )

    @OptionGroup var dataOptions: DataOptions

    func run() throws {
        let layout = try dataOptions.existingArchive()
        let rebuilt: (entries: [CatalogEntry], skipped: [ArchiveScanError])
        do {
            rebuilt = try Catalog(layout: layout).rebuild()
        } catch {
            throw fail(error)
        }
        var failed: ExitCode?
        for skipped in rebuilt.skipped { failed = fail("left out \(skipped.folder): \(skipped.reason)") }
        print("catalog \(layout.catalog.path): \(rebuilt.entries.count) task(s)")
        if let failed { throw failed }
    }
}
