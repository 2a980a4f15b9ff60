import ArgumentParser
import DarkroomCore
import DarkroomMedia
import Foundation

/// The media child of `darkroom serve` (`MediaWorkerProcess`): reads one `MediaJob` as JSON on
/// standard input, puts itself under the job's limits, runs the media pipeline on the asset and
/// answers JSON lines on standard output. Not for people; hidden from `--help`.
struct MediaJobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media-job", abstract: "The service's media worker (reads a job on stdin).", shouldDisplay: false)

    func run() throws {
        let input = FileHandle.standardInput.readData(ofLength: 1 << 20)
        let job: MediaJob
        do {
            job = try JSONDecoder().decode(MediaJob.self, from: input)
        } catch {
            throw fail(ValidationError("media-job: the job on standard input is not a media job: \(error)"), code: 64)
        }
        if let refusal = job.limits.apply(deadline: job.limits.deadline(forDuration: job.settings.limits.maxDuration)) {
            throw fail(ValidationError("media-job: \(refusal)"), code: 1)
        }
        // Lets the crash and time-out paths be tested end to end with a real child:
        // `abort:image` aborts the children of images, `hang:video` makes those of videos wait.
        switch ProcessInfo.processInfo.environment["DARKROOM_TEST_MEDIA_FAULT"] {
        case "abort:" + job.kind.rawValue: abort()
        case "hang:" + job.kind.rawValue: while true { pause() }
        default: break
        }
        FFmpegLogging.configure(verbose: false)
        let processor = MediaProcessor(settings: job.settings)
        let folder = URL(fileURLWithPath: job.folder)
        var message = MediaJob.Message()
        do {
            switch job.kind {
            case .video:
                message.video = try processor.video(
                    at: job.path, into: folder, pathPrefix: job.pathPrefix, reportedDuration: job.reportedDuration, asset: job.asset
                ) { probe in
                    Self.send(MediaJob.Message(duration: probe.durationMeasured ?? probe.durationHeader ?? 0))
                }
            case .image:
                message.image = try processor.image(at: job.path, into: folder, pathPrefix: job.pathPrefix, asset: job.asset)
            }
        } catch {
            message.error = MediaJob.Failure(error)
        }
        Self.send(message)
    }

    private static func send(_ message: MediaJob.Message) {
        guard let line = try? JSONEncoder().encode(message) else { return }
        FileHandle.standardOutput.write(line + Data("\n".utf8))
    }
}
