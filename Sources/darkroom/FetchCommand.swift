import ArgumentParser
import DarkroomFetch
import Foundation

struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a URL to a file, streaming, and print its SHA-256.",
        discussion: """
            The file appears only once complete (written to a temporary name beside it, synced, \
            renamed). Prints "<sha256>  <file>" like sha256sum, or the whole result with --json. \
            Shows a progress bar when stderr is a terminal.
            """
    )

    @Argument(help: "An http(s) URL.")
    var url: String

    @Option(name: .shortAndLong, help: "Where to write the file.")
    var output: String

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        guard let parsed = URL(string: url) else { throw fail("not a URL: \(url)", code: 2) }
        let bar: ProgressBar? = isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
        var progress: (@Sendable (FetchProgress) -> Void)?
        if let bar {
            progress = { bar.show($0) }
        }
        let result: FetchResult
        do {
            result = try await Fetcher().fetch(parsed, to: output, progress: progress)
            bar?.finish()
        } catch {
            bar?.finish()
            throw fail(error)
        }
        if json {
            try printJSON(result)
        } else {
            print("\(result.sha256)  \(result.path)")
        }
    }
}
