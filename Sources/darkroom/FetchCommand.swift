import ArgumentParser
import DarkroomFetch
import Foundation

struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a URL to a file, streaming, and print its SHA-256.",
        discussion: """
            The file appears only once complete (written to a temporary name beside it, synced, \
            renamed). Transient failures (network faults, time-outs, 5xx, 429) are retried with \
            backoff, honouring Retry-After, and a broken transfer resumes where the server allows. \
            Addresses in loopback, private, link-local, CGNAT and multicast ranges are refused \
            unless --allow-private. Prints "<sha256>  <file>" like sha256sum, or the whole result \
            with --json. Shows a progress bar when stderr is a terminal. Exit code 1 on failure.
            """
    )

    @Argument(help: "An http(s) URL.")
    var url: String

    @Option(name: .shortAndLong, help: "Where to write the file.")
    var output: String

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Option(help: "The largest file accepted, in bytes.")
    var maxBytes: Int64 = FetchOptions().maxBytes

    @Option(help: "Attempts after the first, for transient failures.")
    var retries: Int = FetchOptions().retry.maxAttempts - 1

    @Flag(help: "Allow loopback, private, link-local and other non-public addresses (local use).")
    var allowPrivate = false

    func run() async throws {
        guard let parsed = URL(string: url) else { throw fail("not a URL: \(url)", code: 2) }
        let bar: ProgressBar? = isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
        var progress: (@Sendable (FetchProgress) -> Void)?
        if let bar {
            progress = { bar.show($0) }
        }
        let result: FetchResult
        do {
            let options = FetchOptions(
                maxBytes: maxBytes,
                retry: RetryPolicy(maxAttempts: retries + 1),
                addressPolicy: AddressPolicy(allowPrivate: allowPrivate)
            )
            result = try await Fetcher(options: options).fetch(parsed, to: output, progress: progress)
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
