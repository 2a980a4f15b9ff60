import DarkroomCore
import Foundation

/// Runs each asset's media work in a child process, `<executable> media-job`, under the
/// `limits`, so that a crash, a hang or a memory blow-up in FFmpeg (or in Swift on hostile
/// input) costs that asset its outputs, and never the service: it becomes a `media_crashed` or
/// `media_timeout` problem on the asset, and the caller keeps the source.
///
/// The child reads its `MediaJob` on standard input and answers JSON lines on standard output
/// (see `MediaJob`); its standard error goes to this process's, so FFmpeg's messages and a crash
/// report reach the service's log.
public struct MediaWorkerProcess: MediaWork {
    public let executable: URL
    public let settings: MediaSettings
    public let limits: MediaWorkerLimits

    public init(executable: URL, settings: MediaSettings = MediaSettings(), limits: MediaWorkerLimits = MediaWorkerLimits()) {
        self.executable = executable
        self.settings = settings
        self.limits = limits
    }

    public func video(at path: String, into folder: URL, pathPrefix: String, reportedDuration: Double?, asset: String) async throws(MediaError) -> VideoEntry {
        let job = MediaJob(kind: .video, path: path, folder: folder.path, pathPrefix: pathPrefix, reportedDuration: reportedDuration,
                           asset: asset, settings: settings, limits: limits)
        switch try await run(job) {
        case .answer(let message):
            if let entry = message.video { return entry }
            throw MediaError(.unsupported, input: path, "the media worker answered without a video entry")
        case .died(let problem):
            var entry = VideoEntry(reportedDuration: reportedDuration)
            entry.problems = [problem]
            return entry
        }
    }

    public func image(at path: String, into folder: URL, pathPrefix: String, asset: String) async throws(MediaError) -> ImageEntry {
        let job = MediaJob(kind: .image, path: path, folder: folder.path, pathPrefix: pathPrefix, reportedDuration: nil,
                           asset: asset, settings: settings, limits: limits)
        switch try await run(job) {
        case .answer(let message):
            if let entry = message.image { return entry }
            throw MediaError(.unsupported, input: path, "the media worker answered without an image entry")
        case .died(let problem):
            return ImageEntry(problems: [problem])
        }
    }

    private enum Outcome: Sendable {
        case answer(MediaJob.Message)
        case died(Problem)
    }

    private func run(_ job: MediaJob) async throws(MediaError) -> Outcome {
        let result = await OwnThread.run(name: "darkroom-media-child") { () -> Result<Outcome, MediaError> in
            Result { () throws(MediaError) in try runBlocking(job) }
        }
        return try result.get()
    }

    /// Starts the child, feeds it the job, reads its lines until it closes its output or the
    /// deadline passes (then kills it), and judges how it ended.
    private func runBlocking(_ job: MediaJob) throws(MediaError) -> Outcome {
        let request: Data
        do {
            request = try JSONEncoder().encode(job)
        } catch {
            throw MediaError(.output, input: job.path, "cannot encode the media job: \(error)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["media-job"]
        process.environment = ProcessInfo.processInfo.environment.merging(Checkpoint.childEnvironment) { $1 }
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        let started = ContinuousClock.now
        do {
            try process.run()
        } catch {
            throw MediaError(.output, input: job.path, "cannot start the media worker \(executable.path): \(error)")
        }
        // The job is small (a few KB): it fits the pipe's buffer, so this write never waits on the
        // child. A child that died before reading it must not take this process with it: with
        // SIGPIPE ignored the write fails with EPIPE, and the child's end is judged below.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: request)
        try? input.fileHandleForWriting.close()

        var reader = LineReader(descriptor: output.fileHandleForReading.fileDescriptor)
        var deadline = limits.deadline(forDuration: nil)
        var answer: MediaJob.Message?
        var timedOut = false
        while answer == nil {
            let left = deadline - (ContinuousClock.now - started).timeInterval
            guard left > 0 else {
                timedOut = true
                break
            }
            guard let line = reader.next(timeout: left) else {
                if reader.timedOut { timedOut = true }
                break
            }
            guard let message = try? JSONDecoder().decode(MediaJob.Message.self, from: line) else { continue }
            if let duration = message.duration {
                deadline = limits.deadline(forDuration: duration)
            } else {
                answer = message
            }
        }
        if timedOut, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? output.fileHandleForReading.close()

        if timedOut {
            return .died(Problem(.mediaTimeout, asset: job.asset,
                "the media work did not finish within its deadline of \(Int(deadline)) s and was stopped; the source is kept, "
                    + "its thumbnails and renditions were not made: retry the task, or raise the media deadline if the file is long"))
        }
        if process.terminationReason == .uncaughtSignal {
            return .died(Problem(.mediaCrashed, asset: job.asset, Self.crashMessage(signal: process.terminationStatus)))
        }
        if let answer {
            if let failure = answer.error { throw failure.mediaError }
            return .answer(answer)
        }
        return .died(Problem(.mediaCrashed, asset: job.asset,
            "the media worker exited with status \(process.terminationStatus) without an answer; the source is kept, its outputs were not made"))
    }

    static func crashMessage(signal: Int32) -> String {
        let name: String
        let cause: String
        switch signal {
        case SIGXFSZ: (name, cause) = ("SIGXFSZ", "an output grew past the file size limit")
        case SIGXCPU: (name, cause) = ("SIGXCPU", "it used up its CPU time limit")
        case SIGKILL: (name, cause) = ("SIGKILL", "it was killed, perhaps by the kernel's out-of-memory killer")
        case SIGSEGV: (name, cause) = ("SIGSEGV", "it crashed reading or writing memory (a bug in a decoder, or hostile input)")
        case SIGABRT: (name, cause) = ("SIGABRT", "it aborted (out of memory under its address-space limit, or a failed check)")
        case SIGILL, SIGTRAP: (name, cause) = (signal == SIGILL ? "SIGILL" : "SIGTRAP", "it stopped at a failed check in its own code (a bug that this input triggers)")
        case SIGBUS: (name, cause) = ("SIGBUS", "it crashed on a bad memory access")
        default: (name, cause) = ("signal \(signal)", "it died")
        }
        return "the media worker died of \(name): \(cause); the source is kept, its thumbnails and renditions were not made. "
            + "Report the file if it is a valid video or image"
    }
}

/// Reads lines from a pipe with a time-out per line, without letting a flood of output grow
/// memory: a line over 64 MiB (an index entry is a few KB) ends the reading.
struct LineReader {
    let descriptor: Int32
    private var buffer = Data()
    private(set) var timedOut = false
    private var ended = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next line, or nil at the end of the stream or after `timeout` seconds without one.
    mutating func next(timeout: Double) -> Data? {
        let until = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                return Data(line)
            }
            if ended || buffer.count > 64 << 20 { return nil }
            let left = until - ContinuousClock.now
            guard left > .zero else {
                timedOut = true
                return nil
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left.timeInterval * 1000, 60_000).rounded(.up)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                ended = true
                continue
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
