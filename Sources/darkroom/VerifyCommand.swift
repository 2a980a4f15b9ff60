import ArgumentParser
import DarkroomArchive
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash every archived file against its task's index file.",
        discussion: """
            Reads every task folder's index.json, checks each file it lists is there with its size \
            and SHA-256, and that no other file is in the folder; also checks the catalog lists \
            exactly the task folders. Prints one line per finding: missing, changed, unlisted, \
            bad-index or catalog, with the path relative to the archive, then a summary. Exit code \
            1 when there is any finding, or when the data folder or its archive does not exist.
            """
    )

    @OptionGroup var dataOptions: DataOptions

    func run() throws {
        let layout = try dataOptions.existingArchive()
        let report: ArchiveVerifier.Report
        do {
            report = try ArchiveVerifier(layout: layout).verify()
        } catch {
            throw fail(error)
        }
        for finding in report.findings { print(finding) }
        if report.tasks == 0 && report.findings.isEmpty {
            print("the archive \(layout.root.path) is empty: no task to verify")
            return
        }
        print("verified \(report.tasks) task(s), \(report.files) file(s), \(ProgressBar.megabytes(Int64(report.bytes))): " +
              (report.findings.isEmpty ? "all match" : "\(report.findings.count) finding(s)"))
        if !report.findings.isEmpty { throw ExitCode(1) }
    }
}
