import DarkroomCore
import DarkroomQueue
import Foundation

/// One task in the gallery's grid: its poster (or an image's thumbnail), id, what it holds
/// (duration, size and orientation of its first video, how many videos and images), when it was
/// created, its state and verdict, and its problems or its error in one line. No line wraps a
/// word in the middle: a line too long ends in an ellipsis, the whole of it in the tooltip.
struct TaskCard {
    let task: TaskRecord
    let index: TaskIndex?

    var html: String {
        let picture: String
        if let poster = index?.videos.first(where: { $0.poster != nil })?.poster ?? index?.images.first(where: { $0.thumbnail != nil })?.thumbnail {
            picture = "<img loading=\"lazy\" alt=\"poster of \(HTML.escape(task.id))\" src=\"\(HTML.escape(TaskLinks.file(task.key, path: poster.file.path)))\">"
        } else {
            picture = "<div class=\"placeholder\">\(HTML.escape(task.state.rawValue))</div>"
        }
        var badges = HTML.badge(task.state.rawValue, kind: task.state.rawValue)
        if let verdict = task.verdict { badges += " " + HTML.badge("verdict " + verdict.rawValue, kind: verdict.rawValue) }
        var lines = [line(HTML.escape(task.key.description), class: "id", title: task.key.description)]
        if let facts { lines.append(line(HTML.escape(facts), class: "facts muted", title: facts)) }
        lines.append("<div class=\"line muted\">\(task.createdAt.map(HTML.time) ?? "no creation time")</div>")
        lines.append("<div>\(badges)</div>")
        if let problems = index?.problems, let first = problems.first {
            let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
            let text = "\(first.kind.rawValue.replacingOccurrences(of: "_", with: " ")): \(first.message)\(more)"
            lines.append(line(HTML.escape(text), class: "problem", title: text))
        } else if task.state == .failed, let error = task.lastError {
            lines.append(line(HTML.escape(error), class: "problem", title: error))
        }
        return "<a class=\"card\" href=\"\(HTML.escape(TaskLinks.page(task.key)))\">\(picture)<div class=\"text\">\(lines.joined())</div></a>"
    }

    /// `2.0 s · 320×180 landscape · 1 video, 2 images`, from the index; nil before it is archived.
    var facts: String? {
        guard let index else { return nil }
        var parts: [String] = []
        if let probe = index.videos.first?.probe {
            if let seconds = probe.durationMeasured ?? probe.durationHeader { parts.append(String(format: "%.1f s", seconds)) }
            if let video = probe.video {
                let turned = video.rotation == 90 || video.rotation == 270
                let (width, height) = turned ? (video.height, video.width) : (video.width, video.height)
                let orientation = width > height ? "landscape" : width < height ? "portrait" : "square"
                parts.append("\(width)×\(height) \(orientation)")
            }
        }
        var counts: [String] = []
        if !index.videos.isEmpty { counts.append("\(index.videos.count) video\(index.videos.count == 1 ? "" : "s")") }
        if !index.images.isEmpty { counts.append("\(index.images.count) image\(index.images.count == 1 ? "" : "s")") }
        if !counts.isEmpty { parts.append(counts.joined(separator: ", ")) }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    private func line(_ html: String, class name: String, title: String) -> String {
        "<div class=\"line \(name)\" title=\"\(HTML.escape(title))\">\(html)</div>"
    }
}
