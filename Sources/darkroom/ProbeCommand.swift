import ArgumentParser
import DarkroomMedia

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Print a media file's facts as JSON, with its duration measured from its packets.",
        discussion: """
            Reads a local file or an http(s) URL. duration_header is what the container states; \
            duration_measured is what the packets really cover, so a file cut short shows a \
            measured duration below its header's (and read_error when reading stopped on an error). \
            Exit code 1, with a one-line message, when the input cannot be read as media.
            """
    )

    @Argument(help: "A media file, or an http(s) URL.")
    var input: String

    @Flag(name: .long, help: "Show FFmpeg's own warnings on stderr.")
    var verbose = false

    func run() throws {
        FFmpegLogging.configure(verbose: verbose)
        do {
            try printJSON(try Prober().probe(MediaSource(argument: input)))
        } catch let error as MediaError {
            throw fail(error)
        }
    }
}
