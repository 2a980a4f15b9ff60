import DarkroomCore
import DarkroomQueue
import Foundation

/// One task in the gallery's grid: its poster (or an image's thumbnail), id, time, a badge
/// (the verdict once archived, else the state) and its problems, or its error, in words.
struct TaskCard {
    let task: TaskRecord
    let index: TaskIndex?

    var html: String {
        let picture: String
        if let poster = index?.videos.first(where: { $0.poster != nil })?.poster ?? index?.images.first(where: { $0.thumbnail != nil })?.thumbnail {
            picture = "<img loading=\"lazy\" alt=\"poster of \(HTML.escape(task.id))\" src=\"\(HTML.escape(HTML.fileURL(task: task.id, path: poster.file.path)))\">"
        } else {
            picture = "<div class=\"placeholder\">\(HTML.escape(task.state.rawValue))</div>"
        }
        let badge = task.verdict.map { HTML.badge($0.rawValue, kind: $0.rawValue) } ?? HTML.badge(task.state.rawValue, kind: task.state.rawValue)
        var lines = ["<div class=\"id\">\(HTML.escape(task.id))</div>",
                     "<div class=\"muted\">\(HTML.escape(task.createdAt.map(IndexCoding.timestamp) ?? "no creation time")) \(badge)</div>"]
        if let problems = index?.problems, let first = problems.first {
            let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
            lines.append("<div class=\"problem\">\(HTML.escape(first.kind.rawValue.replacingOccurrences(of: "_", with: " "))): \(HTML.escape(first.message))\(more)</div>")
        } else if task.state == .failed, let error = task.lastError {
            lines.append("<div class=\"problem\">\(HTML.escape(error))</div>")
        }
        return "<a class=\"card\" href=\"\(HTML.escape(HTML.taskURL(task.id)))\">\(picture)<div class=\"text\">\(lines.joined())</div></a>"
    }
}
