import DarkroomCore
import DarkroomQueue
import Foundation

/// A task's page: its state and what the generator said; why it failed, with a retry button;
/// the problems first, with what to do; each video (`VideoSection`), the images in a grid,
/// every file with its size and hash; the callback history and the notifications with every
/// delivery attempt.
struct TaskView {
    let task: TaskRecord
    let history: HistoryPage
    let index: TaskIndex?
    let events: [EventRecord]

    var html: String {
        var body = "<h1>\(HTML.escape(task.key.description))</h1><p>"
        body += HTML.badge(task.state.rawValue, kind: task.state.rawValue)
        body += (task.verdict.map { " " + HTML.badge("verdict " + $0.rawValue, kind: $0.rawValue) } ?? "")
        body += " <span class=\"muted\">the generator says \(HTML.escape(task.status.rawValue))"
        if let created = task.createdAt { body += ", created \(HTML.time(created))" }
        if let external = task.externalID { body += ", external id \(HTML.escape(external))" }
        for (key, value) in task.tags.sorted(by: { $0.key < $1.key }) { body += ", \(HTML.escape(key))=\(HTML.escape(value))" }
        body += "</span></p>"
        if task.state == .failed {
            body += "<section id=\"failure\"><p class=\"problem\">\(HTML.escape(task.lastError ?? "failed"))</p>"
            if task.callbackID != nil {
                body += "<form method=\"post\" action=\"\(HTML.escape(TaskLinks.retry(task.key)))\"><button>Retry the archive job</button></form>"
            }
            body += "</section>"
        }
        if let index {
            body += ProblemList(problems: index.problems).html
            body += index.videos.map { VideoSection(task: task.key, video: $0).html }.joined()
            body += ImageGrid(task: task.key, images: index.images).html
            body += FileList(task: task.key, index: index).html
        }
        body += historyTable()
        body += notifications()
        return body
    }

    /// One row per attempt (or per delivery not yet tried): the event, the endpoint, when, and
    /// what came of it.
    private func notifications() -> String {
        guard !events.isEmpty else { return "" }
        var rows: [String] = []
        for record in events {
            let event = "<td>\(HTML.escape(record.event.type))<br><span class=\"muted\">\(HTML.escape(record.event.id))</span></td>"
            if record.deliveries.isEmpty { rows.append("<tr>\(event)<td colspan=\"3\" class=\"muted\">no endpoint took it</td></tr>") }
            for delivery in record.deliveries {
                let endpoint = "<td>\(HTML.escape(NotificationEndpoint.shown(delivery.endpoint)))<br>\(HTML.badge(delivery.state.rawValue, kind: delivery.state.rawValue))</td>"
                let attempts = delivery.attempts.map { attempt in
                    let outcome = attempt.status.map { "HTTP \($0)" } ?? attempt.error ?? ""
                    return "<td>\(HTML.escape(IndexCoding.timestamp(attempt.at)))</td><td>\(HTML.escape(outcome))</td>"
                }
                if attempts.isEmpty {
                    let due = delivery.nextAttemptAt.map { "due \(IndexCoding.timestamp($0))" } ?? ""
                    rows.append("<tr>\(event)\(endpoint)<td colspan=\"2\" class=\"muted\">\(HTML.escape(due))</td></tr>")
                }
                for cells in attempts { rows.append("<tr>\(event)\(endpoint)\(cells)</tr>") }
            }
        }
        return "<section id=\"notifications\"><h2>Notifications</h2><table><tr><th>event</th><th>endpoint</th><th>attempt</th><th>answer</th></tr>"
            + rows.joined() + "</table></section>"
    }

    /// One status spelling, the API's; the generator's own (`succeed`) in the tooltip; and how
    /// each came: posted by the generator, or asked of the provider (a poll).
    private func historyTable() -> String {
        let rows = history.callbacks.map { callback in
            let status = callback.statusSpelling == callback.status.rawValue ? HTML.escape(callback.status.rawValue)
                : "<span title=\"the generator wrote \(HTML.escape(callback.statusSpelling))\">\(HTML.escape(callback.status.rawValue))</span>"
            return "<tr><td>\(HTML.time(callback.receivedAt))</td><td>\(status)</td><td class=\"muted\">\(HTML.escape(callback.outcome.rawValue))</td>"
                + "<td class=\"muted\">\(callback.source == "poll" ? "asked the provider" : "callback")</td></tr>"
        }
        let more = history.nextCursor.map {
            "<p><a class=\"more\" href=\"\(HTML.escape(TaskLinks.page(task.key, query: "history_cursor=\($0)")))#history\">Later callbacks</a></p>"
        } ?? ""
        return "<section id=\"history\"><h2>History</h2><table><tr><th scope=\"col\">received</th><th scope=\"col\">status</th>"
            + "<th scope=\"col\">outcome</th><th scope=\"col\">came by</th></tr>\(rows.joined())</table>\(more)</section>"
    }
}
