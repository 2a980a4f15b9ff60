import ArgumentParser
import DarkroomCore
import DarkroomQueue
import DarkroomServer
import Foundation
import Logging

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the task.archived and task.failed events of the outbox, and how their deliveries went.",
        discussion: """
            Reads the task store directly (the data folder's SQLite file, or --database). One line \
            an event, oldest first: its id (the webhook-id receivers see), type, task, when it was \
            written, and each endpoint's state with its attempts. --json prints what GET /v1/events \
            answers. Exit code 0; 1 when the store cannot be read.
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var databaseOptions: DatabaseOptions

    @Flag(name: [.customLong("failed"), .customLong("undelivered")], help: "Only events given up or refused (410) and no longer tried.")
    var failed = false

    @Option(help: "Start after this cursor (the last line's, or next_cursor).")
    var after: Int64?

    @Option(help: "At most this many events (1…500).")
    var limit = 100

    @Flag(help: "Print JSON, as GET /v1/events answers.")
    var json = false

    func validate() throws {
        guard (1...EventPage.maxLimit).contains(limit) else { throw ValidationError("--limit must be from 1 to \(EventPage.maxLimit)") }
    }

    func run() async throws {
        let settings = try databaseOptions.existing(data: dataOptions)
        let (after, limit, failed) = (self.after, self.limit, self.failed)
        let page: EventPage
        do {
            page = try await settings.withStore(logger: Logger(label: "darkroom")) { store in
                try await store.events(after: after, limit: limit, undeliveredOnly: failed)
            }
        } catch let error as StoreError {
            throw fail(error)
        }
        if json {
            FileHandle.standardOutput.write(try IndexCoding.encoder(pretty: true).encode(EventList(page)) + Data("\n".utf8))
            return
        }
        for record in page.events {
            let deliveries = record.deliveries.map { "\($0.state.rawValue) after \($0.attempts.count) attempt(s)" }
            let line = [String(record.sequence), record.event.id, record.event.type, LogText.escaped(record.event.task.description),
                        IndexCoding.timestamp(record.event.createdAt), deliveries.isEmpty ? "no endpoint" : deliveries.joined(separator: ", ")]
            print(line.joined(separator: "  "))
        }
        if let next = page.nextCursor { print("more: darkroom events --after \(next)\(failed ? " --failed" : "")") }
    }
}
