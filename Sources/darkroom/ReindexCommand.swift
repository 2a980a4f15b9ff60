import ArgumentParser
import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Logging

struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the catalog and the task store's archived tasks from the archive alone.",
        discussion: """
            In a folder archive, lists every task folder with an index.json, in the order they were \
            archived, and replaces the catalog (archive/index.jsonl) in one rename. In a folder or \
            a bucket, then adds to the task store (<data>/darkroom.sqlite, or --database) every archived task it \
            does not know, from its index.json and callback.json: a bucket has no index.jsonl, the \
            task store is its catalog, and this rebuilds it. A task whose index cannot be read is \
            left out and named on stderr, and the exit code is then 1.
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var archiveOptions: ArchiveOptions
    @OptionGroup var databaseOptions: DatabaseOptions

    func run() async throws {
        let archive = try archiveOptions.existing(dataOptions)
        var failed: ExitCode?
        if let folder = archive as? FolderArchive {
            let rebuilt: (entries: [CatalogEntry], skipped: [ArchiveScanError])
            do {
                rebuilt = try Catalog(layout: folder.layout).rebuild()
            } catch {
                throw fail(error)
            }
            for skipped in rebuilt.skipped { failed = fail("left out \(skipped.folder): \(skipped.reason)") }
            print("catalog \(folder.layout.catalog.path): \(rebuilt.entries.count) task(s)")
        }
        let data = URL(fileURLWithPath: dataOptions.data)
        let settings = try databaseOptions.settings(data: dataOptions)
        let outcome: StoreRebuild.Outcome
        do {
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            outcome = try await settings.withStore(logger: Logger(label: "darkroom")) { store in
                try await StoreRebuild(archive: archive, store: store, scratch: data.appendingPathComponent(".reindex")).run()
            }
        } catch {
            throw fail("cannot rebuild the task store \(settings.database): \(error)")
        }
        for skipped in outcome.skipped { failed = fail("left out \(skipped)") }
        print("task store \(settings.database): \(outcome.restored) task(s) restored, \(outcome.known) already known")
        if let failed { throw failed }
    }
}
