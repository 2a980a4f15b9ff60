import ArgumentParser
import DarkroomCore
import Foundation

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one task: state, status, verdict, problems, files, history and notifications.",
        discussion: """
            Reads the task store and the archive directly (--data, --database, --archive), or asks \
            a running server (--server, with an admin token). --json prints GET /v1/tasks/{id}'s \
            answer. Exit code 0; 1 when no such task has been seen, or the store, the archive or the \
            server cannot be read.
            """
    )

    @Argument(help: "The task id.")
    var task: String

    @Option(help: "Whose task it is: the name in its callback route.")
    var provider = Kling.name

    @Flag(help: "Print the API's JSON document of the task.")
    var json = false

    @OptionGroup var source: TaskSource

    func run() async throws {
        let key = TaskKey(provider: provider, id: task)
        guard let answer = try await source.show(key) else { throw fail("no task \(LogText.escaped(key.description)) has been seen") }
        if json {
            FileHandle.standardOutput.write(answer + Data("\n".utf8))
            return
        }
        guard let document = try? JSONSerialization.jsonObject(with: answer) as? [String: Any] else { throw fail("the answer is not a task") }
        print(TaskReport(document).text, terminator: "")
    }
}

/// A task's document as lines for a person, every value from outside escaped.
struct TaskReport {
    let document: [String: Any]

    init(_ document: [String: Any]) { self.document = document }

    private func text(_ value: Any?) -> String { LogText.escaped(value.map { "\($0)" } ?? "-", limit: 400) }

    var text: String {
        let key = TaskKey(provider: document["provider"] as? String ?? Kling.name, id: document["id"] as? String ?? "-")
        var lines = ["task \(text(key.description))"]
        var state = "state \(text(document["state"]))"
        if let verdict = document["verdict"] { state += ", verdict \(text(verdict))" }
        state += ", generator status \(text(document["status"]))"
        lines.append(state)
        if let folder = document["folder"] { lines.append("folder \(text(folder))") }
        if let error = document["last_error"] { lines.append("last error: \(text(error))") }
        let index = (document["index"] as? [String: Any]).flatMap { object in
            (try? JSONSerialization.data(withJSONObject: object)).flatMap { try? IndexCoding.decoder().decode(TaskIndex.self, from: $0) }
        }
        if let index {
            if !index.problems.isEmpty {
                lines.append("problems:")
                lines += index.problems.map { "  \($0.severity.rawValue) \($0.kind.rawValue) \(text($0.asset)): \(text($0.message))" }
            }
            lines.append("files:")
            lines += index.files.map { "  \(text($0.path))  \($0.bytes) bytes  sha256 \($0.sha256)" }
        } else if document["state"] as? String == "archived" {
            lines.append("files: the archive's index.json of the task cannot be read here (--archive?)")
        }
        lines.append("history:")
        lines += (document["history"] as? [[String: Any]] ?? []).map {
            "  \(text($0["received_at"]))  \(text($0["status_spelling"]))  \(text($0["outcome"]))" + ($0["source"] as? String == "poll" ? "  (polled)" : "")
        }
        if document["history_next_cursor"] != nil { lines.append("  … later callbacks: GET /v1/tasks/{id}?history_cursor=\(text(document["history_next_cursor"]))") }
        let events = document["events"] as? [[String: Any]] ?? []
        if !events.isEmpty {
            lines.append("notifications:")
            for event in events {
                let deliveries = event["deliveries"] as? [[String: Any]] ?? []
                if deliveries.isEmpty { lines.append("  \(text(event["type"])) \(text(event["id"])): no endpoint took it") }
                for delivery in deliveries {
                    let attempts = (delivery["attempts"] as? [Any])?.count ?? 0
                    lines.append("  \(text(event["type"])) \(text(event["id"])) to \(text(delivery["endpoint"])): \(text(delivery["state"])) after \(attempts) attempt(s)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
