import ArgumentParser
import DarkroomCore
import DarkroomQueue
import Foundation
import Logging

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a failed task's archive job again, with fresh attempts.",
        discussion: """
            Works on the task store directly (the data folder's SQLite file, or --database), so a \
            running `darkroom serve` on the same store takes the job at once. Exit code 0 when queued; 1 when the task is not \
            failed, or failed at the generator (it has no results to archive), when no such task \
            has been seen, or when the data folder has no database.
            """
    )

    @Argument(help: "The task id.")
    var task: String

    @Option(help: "Whose task it is: the name in its callback route.")
    var provider = Kling.name

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var databaseOptions: DatabaseOptions

    func run() async throws {
        let settings = try databaseOptions.existing(data: dataOptions)
        let task = TaskKey(provider: provider, id: self.task)
        let retried: (task: TaskRecord, retried: Bool)?
        do {
            retried = try await settings.withStore(logger: Logger(label: "darkroom")) { store in try await store.retry(task, now: Date()) }
        } catch let error as StoreError {
            throw fail(error)
        }
        guard let (record, queued) = retried else { throw fail("no task \(task) has been seen") }
        guard queued else {
            let why = record.callbackID == nil ? "it has no succeeded callback to archive" : "only a failed task is retried"
            throw fail("task \(task) is \(record.state.rawValue); \(why)")
        }
        print("task \(task) is queued again")
    }
}
