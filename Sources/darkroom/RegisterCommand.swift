import ArgumentParser
import DarkroomCore
import DarkroomQueue
import DarkroomServer
import Foundation

struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a task ahead of its callback, so that it is polled until it ends even if no callback comes.",
        discussion: """
            Create the generation task at the provider, then register its id: a serve with \
            --poll-url then asks the provider about it until it ends, and archives it as a callback \
            would have. Registering a task that is known already changes nothing. On the store \
            directly (--data, --database) or through a running server (--server, with an admin \
            token): POST /v1/tasks. Prints the task's JSON. Exit code 0; 1 when the store or the \
            server cannot be used; 64 for a bad argument. docs/polling.md.
            """
    )

    @Argument(help: "The provider's task id.")
    var task: String

    @Option(help: "Whose task it is: the name in its callback route.")
    var provider = Kling.name

    @Option(help: "The query URL's {action}: text2video, image2video, … Default: serve's --poll-action.")
    var action: String?

    @Option(help: ArgumentHelp("A tag key:value. Repeatable.", valueName: "key:value"))
    var tag: [String] = []

    @Option(help: ArgumentHelp("This task's query URL, instead of serve's --poll-url; {task_id} and {action} are filled in.", valueName: "url"))
    var pollUrl: String?

    @OptionGroup var source: TaskSource

    func run() async throws {
        var tags: [String: String] = [:]
        for text in tag {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--tag must be key:value (got \(text))") }
            tags[String(parts[0])] = String(parts[1])
        }
        let registration: Registration
        do {
            registration = try RegistrationRequest.check(Registration(task: TaskKey(provider: provider, id: task), action: action, url: pollUrl, tags: tags))
        } catch {
            throw ValidationError(error.description)
        }
        let (document, created) = try await source.register(registration)
        FileHandle.standardOutput.write(document + Data("\n".utf8))
        if !created { FileHandle.standardError.write(Data("task \(LogText.escaped(task)) was known already: nothing changed\n".utf8)) }
    }
}
