import ArgumentParser
import DarkroomCore
import DarkroomQueue
import Foundation
import Logging

struct RedeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redeliver",
        abstract: "Send an event again to every endpoint it was written for.",
        discussion: """
            Works on the task store directly (the data folder's SQLite file, or --database): each of \
            the event's deliveries is due at once, its tries counted afresh (its earlier attempts \
            stay recorded), and a running `darkroom serve` with --notify-secret sends it within a \
            second, under the same webhook-id. Exit code 0 when due again; 1 when there is no such \
            event, or it has no endpoint.
            """
    )

    @Argument(help: "The event id (evt_…), as darkroom events lists it.")
    var event: String

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var databaseOptions: DatabaseOptions

    func run() async throws {
        let settings = try databaseOptions.existing(data: dataOptions)
        let event = self.event
        let record: EventRecord?
        do {
            record = try await settings.withStore(logger: Logger(label: "darkroom")) { store in try await store.redeliver(event, now: Date()) }
        } catch let error as StoreError {
            throw fail(error)
        }
        guard let record else { throw fail("no event \(LogText.escaped(event))") }
        guard !record.deliveries.isEmpty else { throw fail("event \(event) has no endpoint to go to: none took its type when it was written") }
        print("event \(event) (\(record.event.type), task \(LogText.escaped(record.event.task.description))) is due again at \(record.deliveries.count) endpoint(s)")
    }
}
