import ArgumentParser
import DarkroomArchive
import DarkroomCore
import Foundation

struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the archive's catalog from the task folders alone.",
        discussion: """
            In a folder archive, lists every task folder with an index.json, in the order they were \
            archived, and replaces the catalog (archive/index.jsonl) in one rename. A folder whose \
            index.json cannot be read is left out and named on stderr, and the exit code is then 1. \
            A bucket has no index.jsonl: the task store is its catalog (see docs/archive.md).
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var archiveOptions: ArchiveOptions

    func run() async throws {
        guard let archive = try archiveOptions.existing(dataOptions) as? FolderArchive else {
            throw fail("a bucket has no index.jsonl to rebuild: the task store is its catalog")
        }
        let rebuilt: (entries: [CatalogEntry], skipped: [ArchiveScanError])
        do {
            rebuilt = try Catalog(layout: archive.layout).rebuild()
        } catch {
            throw fail(error)
        }
        var failed: ExitCode?
        for skipped in rebuilt.skipped { failed = fail("left out \(skipped.folder): \(skipped.reason)") }
        print("catalog \(archive.layout.catalog.path): \(rebuilt.entries.count) task(s)")
        if let failed { throw failed }
    }
}
