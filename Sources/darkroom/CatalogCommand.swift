import ArgumentParser
import DarkroomArchive
import DarkroomCore
import Foundation

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Print the archive's catalog: one JSON line per archived task.",
        discussion: """
            Reads every task's index.json (a folder's task folders, or a bucket's index objects) and \
            prints the line index.jsonl holds for it, in the order the tasks were archived. A task \
            whose index cannot be read is named on stderr, and the exit code is then 1.
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var archiveOptions: ArchiveOptions

    func run() async throws {
        let archive = try archiveOptions.existing(dataOptions)
        var entries: [CatalogEntry] = []
        var failed: ExitCode?
        do {
            for folder in try await archive.taskFolders() {
                do {
                    entries.append(CatalogEntry(index: try await archive.index(of: folder)))
                } catch {
                    failed = fail("left out \(folder): \(error.reason)")
                }
            }
        } catch {
            throw fail(error)
        }
        let encoder = IndexCoding.encoder(pretty: false)
        for entry in entries.sorted(by: { ($0.archivedAt, $0.folder) < ($1.archivedAt, $1.folder) }) {
            FileHandle.standardOutput.write(try encoder.encode(entry) + Data("\n".utf8))
        }
        if let failed { throw failed }
    }
}
