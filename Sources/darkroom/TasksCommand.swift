import ArgumentParser
import DarkroomCore
import Foundation

struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List tasks, newest first: a table on a terminal, JSON lines otherwise.",
        discussion: """
            Reads the task store directly (--data, --database; --archive is not needed), or asks a \
            running server (--server, with an admin token): the same tasks either way, as GET \
            /v1/tasks lists them. Each JSON line is one task of that answer. When more tasks \
            match than --limit, the command to see the next page goes to stderr. Exit code 0; 64 \
            for a bad filter; 1 when the store or the server cannot be read.
            """
    )

    @Option(help: "Only tasks of this provider (the name in its callback route).")
    var provider: String?

    @Option(help: "Only tasks in this state: waiting, queued, downloading, processing, archived, failed.")
    var state: String?

    @Option(help: "Only archived tasks with this verdict: ok, warning, failed.")
    var verdict: String?

    @Option(help: ArgumentHelp("Only tasks with this tag.", valueName: "key:value"))
    var tag: String?

    @Option(help: "At most this many tasks (1…1000).")
    var limit = 100

    @Option(help: "Continue after this place (from the last page's hint).")
    var cursor: String?

    @Flag(help: "JSON lines even on a terminal.")
    var json = false

    @OptionGroup var source: TaskSource

    func run() async throws {
        var parameters = ["limit": String(limit)]
        parameters["provider"] = provider
        parameters["state"] = state
        parameters["verdict"] = verdict
        parameters["tag"] = tag
        parameters["cursor"] = cursor
        let answer = try await source.list(parameters)
        guard let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any], let tasks = object["tasks"] as? [[String: Any]] else {
            throw fail("the answer is not a task list")
        }
        if json || isatty(STDOUT_FILENO) != 1 {
            for task in tasks {
                FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: task, options: [.sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8))
            }
        } else {
            print(TaskTable(tasks).text, terminator: "")
        }
        if let next = object["next_cursor"] as? String {
            FileHandle.standardError.write(Data("more: darkroom tasks --cursor \(next) (with the same filters)\n".utf8))
        }
    }
}

/// Tasks as columns for a terminal, every value from outside escaped (an id may hold control
/// characters) and long ids cut. A task not Kling's is shown as `<provider>:<id>`.
struct TaskTable {
    let rows: [[String]]

    init(_ tasks: [[String: Any]]) {
        rows = [["TASK", "STATE", "VERDICT", "STATUS", "CHANGED", "FOLDER"]] + tasks.map { task in
            let key = TaskKey(provider: task["provider"] as? String ?? Kling.name, id: task["id"] as? String ?? "")
            return [Self.cut(key.description, 40), task["state"] as? String ?? "", task["verdict"] as? String ?? "-",
             task["status"] as? String ?? "", task["changed_at"] as? String ?? "", task["folder"] as? String ?? "-"]
                .map { LogText.escaped($0, limit: 200) }
        }
    }

    var text: String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces) + "\n"
        }.joined()
    }

    private static func cut(_ text: String, _ length: Int) -> String {
        text.count > length ? String(text.prefix(length - 1)) + "…" : text
    }
}
