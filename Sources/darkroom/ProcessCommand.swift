import ArgumentParser
import DarkroomArchive
import DarkroomCore
import DarkroomFetch
import DarkroomMedia
import Foundation

struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Archive one succeeded callback: download, verify, thumbnails, renditions, index, catalog.",
        discussion: """
            Runs the whole pipeline once, in this process, on a callback body saved in a file (either \
            of Kling's shapes). The task folder is assembled beside the archive and moved into \
            <data>/archive/<yyyy>/<mm>/<dd>/<task>/ in one step, then added to the catalog \
            <data>/archive/index.jsonl; running it again on the same callback replaces the task as a \
            whole. Shows progress when stderr is a terminal, and prints a summary (or the index file \
            with --json). Exit code 0 when archived, with or without warnings; 1 when the task's \
            verdict is failed (it is archived all the same, with the assets that could be had), when \
            the generator reports the task failed, or when it could not be stored (nothing is left \
            behind); 64 on bad usage, an unreadable or malformed callback, or a task not finished yet.
            """
    )

    @Argument(help: "A file holding a callback body.")
    var callback: String

    @Option(help: "Whose callback it is: the name in its callback route.")
    var provider = Kling.name

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var archiveOptions: ArchiveOptions

    @OptionGroup var download: DownloadOptions

    @OptionGroup var mediaOptions: MediaOptions

    @Option(help: ArgumentHelp(
        "A JSON file of settings, as serve takes it: the archive's and the media's (rendition profiles, thumbnails, …) are used.",
        valueName: "file"))
    var config: String?

    @Flag(help: "Print the index file instead of the summary.")
    var json = false

    @Flag(name: .long, help: "Show FFmpeg's own warnings on stderr.")
    var verbose = false

    func run() async throws {
        FFmpegLogging.configure(verbose: verbose)
        let layers = try SettingLayers(environment: ProcessInfo.processInfo.environment, configPath: config)
        let media = try mediaOptions.settings(layers)
        let body: Data
        do {
            body = try Data(contentsOf: URL(fileURLWithPath: callback))
        } catch {
            throw fail(FileError(path: callback, operation: "read", error: error), code: 64)
        }
        let receivedAt = Date()
        guard let reader = Providers.named(provider) else {
            throw fail("--provider must be one Darkroom knows: \(Providers.all.keys.sorted().joined(separator: ", "))", code: 64)
        }
        let event: CallbackEvent
        do {
            event = try reader.decodeCallback(body)
        } catch {
            throw fail("\(callback): \(error)", code: 64)
        }
        if event.status == .submitted || event.status == .processing {
            throw fail("\(callback): task \(event.taskID) is still \(event.status.rawValue) at the generator; only a succeeded callback has results to archive", code: 64)
        }

        let archive = try archiveOptions.open(dataOptions, layers)
        let archiver = TaskArchiver(
            archive: archive,
            fetcher: Fetcher(options: download.fetchOptions),
            media: MediaWorkerProcess(executable: URL(fileURLWithPath: "/proc/self/exe"), settings: media))
        let bar: ProgressBar? = isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
        let index: TaskIndex
        do {
            index = try await archiver.archive(ArchiveRequest(event: event, body: body, receivedAt: receivedAt)) { step in
                bar.map { Self.show(step, on: $0) }
            }
        } catch {
            bar?.finish()
            throw fail(error)
        }
        bar?.finish()

        if json {
            FileHandle.standardOutput.write(try IndexCoding.encoder(pretty: true).encode(index) + Data("\n".utf8))
        } else {
            print(ProcessSummary(index: index, folder: archive.location + "/" + index.folder).text, terminator: "")
        }
        if index.verdict == .failed { throw ExitCode(1) }
    }

    private static func show(_ step: ArchiveProgress, on bar: ProgressBar) {
        switch step {
        case .downloading(let asset, let received, let expected):
            bar.show(FetchProgress(received: received, expected: expected), label: asset)
        case .downloaded(let asset, let bytes):
            bar.say("\(asset)  downloaded \(ProgressBar.megabytes(bytes))", label: asset + " done")
        case .downloadFailed(let asset, _):
            bar.say("\(asset)  download failed", label: asset + " failed")
        case .processing(let asset):
            bar.say("\(asset)  verifying, thumbnails, renditions…", label: asset + " processing")
        case .processed(let asset, let problems):
            bar.say("\(asset)  processed, \(problems) problem(s)", label: asset + " processed")
        case .committing:
            bar.say("committing the task to the archive", label: "committing")
        }
    }
}
