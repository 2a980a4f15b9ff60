import ArgumentParser
import DarkroomArchive
import Foundation

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash every archived file against its task's index file.",
        discussion: """
            Reads every task's index.json and checks each file it lists is there with its size and \
            SHA-256, and that nothing else is in the task's folder (in a bucket: objects no index \
            lists, left by a commit that did not finish); in a folder archive, also that the \
            catalog lists exactly the task folders. Prints one line per finding: missing, changed, \
            unlisted, bad-index or catalog, with the path relative to the archive, then a summary. \
            --repair removes what no index lists (in a bucket, only objects older than \
            --repair-grace, so a commit in progress is left alone) and rebuilds a folder's \
            catalog. Exit code 1 when there is any finding, or when the archive does not exist.
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var archiveOptions: ArchiveOptions

    @Flag(help: "Remove what no index lists, and rebuild a folder archive's catalog.")
    var repair = false

    @Option(help: "Seconds an unlisted object must be old before --repair removes it from a bucket. Default: 3600.")
    var repairGrace = 3600

    func run() async throws {
        let archive = try archiveOptions.existing(dataOptions)
        let report: ArchiveReport
        do {
            report = try await archive.verify(repair: repair, grace: .seconds(max(0, repairGrace)))
        } catch {
            throw fail(error)
        }
        for finding in report.findings { print(finding) }
        if report.tasks == 0 && report.findings.isEmpty {
            print("the archive \(archive.location) is empty: no task to verify")
            return
        }
        print("verified \(report.tasks) task(s), \(report.files) file(s), \(ProgressBar.megabytes(report.bytes)): " +
              (report.findings.isEmpty ? "all match" : "\(report.findings.count) finding(s)"))
        if repair { print("removed \(report.removed) file(s) no index lists") }
        if !report.findings.isEmpty { throw ExitCode(1) }
    }
}
