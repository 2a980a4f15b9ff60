import ArgumentParser
import NIOCore
import NIOPosix

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

    /// ArgumentParser's own `main`, after one step of its own: Swift's tasks then run on the
    /// event loops that already serve HTTP and PostgreSQL, where each request and each query
    /// otherwise hopped between those threads and Swift's pool. Measured (docs/database.md):
    /// two processes sharing this machine's two cores then take as many callbacks as one, where
    /// they took a tenth fewer. Blocking work stays off both (`OwnThread`, libcurl's threads,
    /// GRDB's queues).
    static func main() async {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
