import ArgumentParser

@main
struct Darkroom: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "darkroom",
        abstract: "Archive AI-generated media from generator callbacks, verified and ready to publish.",
        subcommands: [ServeCommand.self, DemoCommand.self, RetryCommand.self, ProcessCommand.self, VerifyCommand.self, ReindexCommand.self, ProbeCommand.self, MediaCommand.self, MediaJobCommand.self, FetchCommand.self]
    )
}
