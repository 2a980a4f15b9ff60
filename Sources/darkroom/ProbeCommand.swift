import ArgumentParser
import DarkroomCore
import DarkroomFetch
import DarkroomMedia
import Foundation

struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Print a media file's facts as JSON, with its duration measured from its packets.",
        discussion: """
            Reads a local file or an http(s) URL. A URL is downloaded first, as `darkroom fetch` \
            downloads (the same address policy, TLS settings and size limit), into a temporary \
            file removed afterwards: FFmpeg's own network code is never used. duration_header is \
            what the container states; duration_measured is what the packets really cover, so a \
            file cut short shows a measured duration below its header's (and read_error when \
            reading stopped on an error). Exit code 1, with a one-line message, when the input \
            cannot be downloaded or read as media.
            """
    )

    @Argument(help: "A media file, or an http(s) URL.")
    var input: String

    @Flag(name: .long, help: "Show FFmpeg's own warnings on stderr.")
    var verbose = false

    @OptionGroup var download: DownloadOptions

    func run() async throws {
        FFmpegLogging.configure(verbose: verbose)
        guard let url = URL(string: input), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return try probe(input)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("darkroom-probe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw fail("cannot make a temporary folder for the download: \(error.localizedDescription)")
        }
        let path = folder.appendingPathComponent("download").path
        do throws(FetchError) {
            _ = try await Fetcher(options: download.fetchOptions).fetch(url, to: path)
        } catch {
            throw fail(error)
        }
        try probe(path, shownAs: url.redacted)
    }

    /// Errors name `shownAs` (the URL, not the temporary file it was downloaded to).
    private func probe(_ path: String, shownAs shown: String? = nil) throws {
        do {
            try printJSON(try Prober().probe(.file(path)))
        } catch let error as MediaError {
            throw fail(shown.map { MediaError(error.kind, input: $0, error.reason) } ?? error)
        }
    }
}
