import ArgumentParser

@main
struct Darkroom: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "darkroom",
        abstract: "Archive AI-generated media from generator callbacks, verified and ready to publish.",
        discussion: """
            Exit codes, for every verb: 0 done; 1 the work failed (a download, a store, a finding, \
            a task or a data folder not found); 3 `media` found problems in the media; 64 the \
            command line cannot be used as given (an unknown or bad flag or setting, a config or \
            callback file that cannot be read as one).
            """,
        subcommands: [ServeCommand.self, DemoCommand.self, RetryCommand.self, TasksCommand.self, ShowCommand.self, RegisterCommand.self, EventsCommand.self, RedeliverCommand.self, ProcessCommand.self, VerifyCommand.self, ReindexCommand.self, CatalogCommand.self, ProbeCommand.self, MediaCommand.self, MediaJobCommand.self, FetchCommand.self]
    )
}
