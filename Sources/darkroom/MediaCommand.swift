import ArgumentParser
import DarkroomCore
import DarkroomMedia
import Foundation

struct MediaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Verify a local video or image and make its archive outputs; print its index entry as JSON.",
        discussion: """
            For a video: probe, duration check (with --reported-duration, against --duration-tolerance), a full decode counting \
            frames and errors, a poster, thumbnails, a storyboard (sprite + WebVTT) and the web and \
            preview renditions (or the config file's profiles), all from one decode. For an image (PNG, JPEG, WebP, judged by its \
            bytes): its size and a thumbnail. Outputs go into --out; paths in the JSON are relative \
            to it. Exit code 0 when the media has no problem, 3 when it has problems (the JSON lists \
            them, and each is also printed on stderr), 1 when the file cannot be read or an output \
            cannot be written.
            """
    )

    @Argument(help: "A local video or image file.")
    var file: String

    @Option(name: .long, help: "The folder to write the outputs into (created if missing).")
    var out: String

    @Option(name: .long, help: "The duration, in seconds, the generator reported; the measured duration is checked against it.")
    var reportedDuration: Double?

    @OptionGroup var mediaOptions: MediaOptions

    @Option(help: ArgumentHelp(
        "A JSON file of settings, as serve takes it: its media keys (rendition profiles, thumbnails, storyboard, limits) are used.",
        valueName: "file"))
    var config: String?

    @Option(name: .long, help: "How many evenly spaced thumbnails to make. Default: 5.")
    var thumbnails: Int?

    @Option(name: .long, help: "Thumbnail and poster width in pixels (never scaled up). Default: 640.")
    var thumbnailWidth: Int?

    @Option(name: .long, help: "Thumbnail format: jpeg or webp. Default: jpeg.")
    var thumbnailFormat: ThumbnailSettings.Format?

    @Option(name: .long, help: "Largest frame or image accepted, in pixels (width × height). Default: 33177600 (8K).")
    var maxPixels: Int?

    @Option(name: .long, help: "Longest video accepted, in seconds. Default: 10800.")
    var maxDuration: Double?

    @Flag(name: .long, help: "Show FFmpeg's own warnings on stderr.")
    var verbose = false

    @Flag(name: .long, help: "Do the work in a media child process under the default limits, as darkroom serve does.")
    var workerProcess = false

    func validate() throws {
        if let thumbnails, !(0...100).contains(thumbnails) { throw ValidationError("--thumbnails must be between 0 and 100") }
        if let thumbnailWidth, thumbnailWidth < 16 { throw ValidationError("--thumbnail-width must be at least 16") }
        if let maxPixels, maxPixels <= 0 { throw ValidationError("--max-pixels must be more than 0") }
        if let maxDuration, !(maxDuration > 0) { throw ValidationError("--max-duration must be more than 0") }
        if let reportedDuration, !(reportedDuration.isFinite && reportedDuration >= 0) {
            throw ValidationError("--reported-duration must be a number of seconds, 0 or more")
        }
    }

    func run() async throws {
        FFmpegLogging.configure(verbose: verbose)
        // The flags of this command win over the config file's keys, as serve's do.
        var settings = try mediaOptions.settings(SettingLayers(environment: ProcessInfo.processInfo.environment, configPath: config))
        settings.thumbnails.count = thumbnails ?? settings.thumbnails.count
        settings.thumbnails.width = thumbnailWidth ?? settings.thumbnails.width
        settings.thumbnails.format = thumbnailFormat ?? settings.thumbnails.format
        settings.limits.maxPixels = maxPixels ?? settings.limits.maxPixels
        settings.limits.maxDuration = maxDuration ?? settings.limits.maxDuration
        let processor = MediaProcessor(settings: settings)
        let work: any MediaWork = workerProcess
            ? MediaWorkerProcess(executable: URL(fileURLWithPath: "/proc/self/exe"), settings: settings) : InProcessMedia(processor)
        let folder = URL(fileURLWithPath: out)
        let asset = URL(fileURLWithPath: file).lastPathComponent

        let problems: [Problem]
        do {
            let source = try StoredFile(hashing: URL(fileURLWithPath: file), as: file)
            if processor.isImage(at: file) {
                var entry = try await work.image(at: file, into: folder, pathPrefix: "", asset: asset)
                entry.source = source
                problems = entry.problems
                try printJSON(entry)
            } else {
                var entry = try await work.video(at: file, into: folder, pathPrefix: "", reportedDuration: reportedDuration, asset: asset)
                entry.source = source
                problems = entry.problems
                try printJSON(entry)
            }
        } catch let error as MediaError {
            throw fail(error)
        } catch let error as FileError {
            throw fail(error)
        }
        for problem in problems {
            FileHandle.standardError.write(Data("darkroom: \(problem.kind.rawValue): \(problem.asset): \(problem.message)\n".utf8))
        }
        if !problems.isEmpty { throw ExitCode(3) }
    }
}

extension ThumbnailSettings.Format: ExpressibleByArgument {}
