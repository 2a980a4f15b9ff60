import ArgumentParser
import DarkroomQueue
import Foundation

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a failed task's archive job again, with fresh attempts.",
        discussion: """
            Works on the data folder's database directly, so a running `darkroom serve` on the same \
            folder takes the job within a second. Exit code 0 when queued; 1 when the task is not \
            failed, or failed at the generator (it has no results to archive), when no such task \
            has been seen, or when the data folder has no database.
            """
    )

    @Argument(help: "The task id.")
    var task: String

    @OptionGroup var dataOptions: DataOptions

    func run() async throws {
        let path = URL(fileURLWithPath: dataOptions.data).appendingPathComponent("darkroom.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { throw fail("no database at \(path)") }
        do {
            let store = try SQLiteTaskStore(path: path)
            guard let (record, retried) = try await store.retry(task, now: Date()) else {
                throw fail("no task \(task) has been seen")
            }
            guard retried else {
                let why = record.callbackID == nil ? "it has no succeeded callback to archive" : "only a failed task is retried"
                throw fail("task \(task) is \(record.state.rawValue); \(why)")
            }
            print("task \(task) is queued again")
        } catch let error as StoreError {
            throw fail(error)
        }
    }
}
