import ArgumentParser
import DarkroomFetch
import Foundation

struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download URLs to files, streaming, and print their SHA-256.",
        discussion: """
            Each URL goes to the --output given in the same position; several URLs download in \
            parallel. A file appears only once complete (written to a temporary name beside it, \
            synced, renamed). Transient failures (network faults, time-outs, 5xx, 429) are retried \
            with backoff, honouring Retry-After, and a broken transfer resumes where the server \
            allows. Addresses in loopback, private, link-local, CGNAT and multicast ranges are \
            refused unless --allow-private. Prints "<sha256>  <file>" per file like sha256sum, or \
            the results as JSON with --json (an object for one URL, an array for several; a failed \
            URL is {"url", "error": {"kind", "message"}}). Shows a \
            progress bar when stderr is a terminal and there is one URL. Exit code 1 when any \
            download failed, each failure on a line of its own.
            """
    )

    @Argument(help: "http(s) URLs.")
    var urls: [String]

    @Option(name: .shortAndLong, help: "Where to write each URL's file, in the URLs' order.")
    var output: [String]

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var download: DownloadOptions

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("Give at least one URL.") }
        guard urls.count == output.count else {
            throw ValidationError("Give one --output per URL (\(urls.count) URLs, \(output.count) outputs).")
        }
    }

    func run() async throws {
        var parsed: [URL] = []
        for url in urls {
            guard let value = URL(string: url) else { throw fail("not a URL: \(url)", code: 64) }
            parsed.append(value)
        }
        let fetcher = Fetcher(options: download.fetchOptions)
        let bar: ProgressBar? = parsed.count == 1 && isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
        let progress: (@Sendable (FetchProgress) -> Void)?
        if let bar {
            progress = { bar.show($0) }
        } else {
            progress = nil
        }

        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            for (index, (url, path)) in zip(parsed, output).enumerated() {
                group.addTask {
                    do throws(FetchError) {
                        return Outcome(index: index, result: try await fetcher.fetch(url, to: path, progress: progress))
                    } catch {
                        return Outcome(index: index, error: error)
                    }
                }
            }
            var outcomes: [Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.index < $1.index }
        }
        bar?.finish()

        if json {
            let reports = outcomes.map(FetchReport.init)
            if reports.count == 1 { try printJSON(reports[0]) } else { try printJSON(reports) }
        } else {
            for result in outcomes.compactMap(\.result) { print("\(result.sha256)  \(result.path)") }
        }
        var failed: ExitCode?
        for error in outcomes.compactMap(\.error) { failed = fail(error) }
        if let failed { throw failed }
    }
}

/// One URL's download, success or failure, with its place in the command line.
private struct Outcome: Sendable {
    var index: Int
    var result: FetchResult?
    var error: FetchError?
}

/// An outcome as `--json` prints it: the result, or `{"url", "error": {"kind", "message"}}`.
private enum FetchReport: Encodable {
    case done(FetchResult)
    case failed(url: String, kind: String, message: String)

    init(_ outcome: Outcome) {
        if let result = outcome.result {
            self = .done(result)
        } else {
            let error = outcome.error ?? FetchError(url: "", cause: .cancelled)
            self = .failed(url: error.url, kind: error.cause.kind, message: error.description)
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .done(let result):
            try result.encode(to: encoder)
        case .failed(let url, let kind, let message):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(url, forKey: .url)
            var error = container.nestedContainer(keyedBy: Keys.self, forKey: .error)
            try error.encode(kind, forKey: .kind)
            try error.encode(message, forKey: .message)
        }
    }

    private enum Keys: String, CodingKey {
        case url, error, kind, message
    }
}
