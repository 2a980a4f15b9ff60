import DarkroomCore
import DarkroomQueue
import Foundation

/// A task's page: what the generator said, each video in a player (with its storyboard for
/// scrub previews), its thumbnails, duration check and probe facts, each image, the problems,
/// every file, the callback history, and the notifications with every delivery attempt; a
/// retry button when the job failed.
struct TaskView {
    let task: TaskRecord
    let history: HistoryPage
    let index: TaskIndex?
    let events: [EventRecord]

    var html: String {
        var body = "<h1>\(HTML.escape(task.id))</h1><p>"
        body += (task.verdict.map { HTML.badge("verdict " + $0.rawValue, kind: $0.rawValue) } ?? "")
        body += " " + HTML.badge(task.state.rawValue, kind: task.state.rawValue)
        body += " <span class=\"muted\">generator status \(HTML.escape(task.status.rawValue))"
        if let external = task.externalID { body += ", external id \(HTML.escape(external))" }
        for (key, value) in task.tags.sorted(by: { $0.key < $1.key }) { body += ", \(HTML.escape(key))=\(HTML.escape(value))" }
        body += "</span></p>"
        if task.state == .failed {
            body += "<section><p class=\"problem\">\(HTML.escape(task.lastError ?? "failed"))</p>"
            if task.callbackID != nil {
                body += "<form method=\"post\" action=\"\(HTML.escape(HTML.taskURL(task.id)))/retry\"><button>Retry the archive job</button></form>"
            }
            body += "</section>"
        }
        if let index {
            body += problems(index.problems)
            body += index.videos.map(video).joined()
            body += index.images.map(image).joined()
            body += files(index)
        }
        body += historyTable()
        body += notifications()
        return body
    }

    private func link(_ path: String) -> String {
        HTML.escape(HTML.fileURL(task: task.id, path: path))
    }

    private func problems(_ problems: [Problem]) -> String {
        guard !problems.isEmpty else { return "" }
        let items = problems.map {
            "<li class=\"problem\"><b>\(HTML.escape($0.severity.rawValue)) · \(HTML.escape($0.kind.rawValue))</b> \(HTML.escape($0.asset)): \(HTML.escape($0.message))</li>"
        }
        return "<section><h2>Problems</h2><ul>\(items.joined())</ul></section>"
    }

    private func video(_ video: VideoEntry) -> String {
        var html = "<section class=\"video\"><h2>Video \(HTML.escape(video.id ?? ""))</h2>"
        if let rendition = video.renditions.first(where: { $0.profile == "web" }) ?? video.renditions.first {
            html += "<video controls preload=\"metadata\""
            if let poster = video.poster { html += " poster=\"\(link(poster.file.path))\"" }
            html += " src=\"\(link(rendition.file.path))\">"
            if let storyboard = video.storyboard {
                html += "<track kind=\"metadata\" label=\"storyboard\" src=\"\(link(storyboard.vtt.path))\" data-sprite=\"\(link(storyboard.image.path))\">"
            }
            html += "</video>"
            if video.storyboard != nil {
                html += "<input class=\"scrub\" type=\"range\" min=\"0\" max=\"1000\" value=\"0\" aria-label=\"scrub\" style=\"width:100%\"><div class=\"preview\"></div>"
            }
        } else if let source = video.source {
            html += "<p><a href=\"\(link(source.path))\">The source</a> (no rendition could be made)</p>"
        }
        if let check = video.durationCheck {
            html += "<p>Duration: <b>\(String(format: "%.3f", check.measured)) s measured</b> against \(String(format: "%.3f", check.reported)) s reported "
            html += "(\(String(format: "%+.3f", check.delta)) s, tolerance \(String(format: "%.1f", check.tolerance)) s) "
            html += check.ok ? HTML.badge("matches", kind: "ok") : HTML.badge("does not match", kind: "warning")
            html += "</p>"
        }
        if let probe = video.probe {
            var facts = [("container", probe.container)]
            if let v = probe.video {
                facts += [("video", "\(v.codec) \(v.profile ?? "") \(v.width)×\(v.height) \(v.pixFmt ?? "")"),
                          ("frame rate", v.frameRate ?? "?"), ("frames", String(v.frames)), ("rotation", "\(v.rotation)°")]
            }
            if let a = probe.audio { facts.append(("audio", "\(a.codec) \(a.sampleRate) Hz, \(a.channels) ch")) }
            if let bitRate = probe.bitRate { facts.append(("bit rate", "\(bitRate / 1000) kb/s")) }
            html += "<table>" + facts.map { "<tr><th>\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }.joined() + "</table>"
        }
        html += renditions(video.renditions)
        if !video.thumbnails.isEmpty {
            html += "<div class=\"thumbs\">" + video.thumbnails.map {
                "<img loading=\"lazy\" alt=\"at \(String(format: "%.2f", $0.at ?? 0)) s\" src=\"\(link($0.file.path))\">"
            }.joined() + "</div>"
        }
        return html + "</section>"
    }

    /// What was made for publishing, as a publisher picks a file: profile, codec, size, bit
    /// rate, file size, whether it is the source's own stream or an encode, and a download.
    private func renditions(_ renditions: [Rendition]) -> String {
        guard !renditions.isEmpty else { return "" }
        let rows = renditions.map { rendition in
            let size = rendition.video.map { "\($0.width)×\($0.height)" } ?? "-"
            let bitRate = rendition.duration.flatMap { $0 > 0 ? "\(Int((Double(rendition.file.bytes) * 8 / $0 / 1000).rounded())) kb/s" : nil } ?? "-"
            let made = rendition.method == .copy ? "copy of the source" : "encoded" + (rendition.settings.map { ", CRF \($0.crf) \($0.preset)" } ?? "")
            let cells = [rendition.profile, [rendition.video?.codec, rendition.audio?.codec].compactMap { $0 }.joined(separator: " + "), size, bitRate,
                         ByteCountFormatter.string(fromByteCount: Int64(rendition.file.bytes), countStyle: .file), made]
            return "<tr>" + cells.map { "<td>\(HTML.escape($0))</td>" }.joined()
                + "<td><a href=\"\(link(rendition.file.path))?download=1\" download>Download</a></td></tr>"
        }
        return "<table class=\"renditions\"><caption>Renditions</caption><tr><th>profile</th><th>codec</th><th>size</th><th>bit rate</th>"
            + "<th>file</th><th>made by</th><th></th></tr>" + rows.joined() + "</table>"
    }

    private func image(_ image: ImageEntry) -> String {
        var html = "<section class=\"image\"><h2>Image \(image.index.map(String.init) ?? "")</h2>"
        if let thumbnail = image.thumbnail, let source = image.source {
            html += "<a href=\"\(link(source.path))\"><img alt=\"image \(image.index ?? 0)\" src=\"\(link(thumbnail.file.path))\"></a>"
        }
        if let probe = image.probe {
            html += "<p class=\"muted\">\(HTML.escape(probe.codec == "mjpeg" ? "jpeg" : probe.codec)) \(probe.width)×\(probe.height)</p>"
        }
        return html + "</section>"
    }

    private func files(_ index: TaskIndex) -> String {
        let rows = ([StoredFile(path: "index.json", bytes: 0, sha256: "")] + index.files).map { file in
            let size = file.path == "index.json" ? "" : ByteCountFormatter.string(fromByteCount: Int64(file.bytes), countStyle: .file)
            return "<tr><td><a href=\"\(link(file.path))\">\(HTML.escape(file.path))</a></td><td class=\"muted\">\(size)</td></tr>"
        }
        let all = "<p><a href=\"\(HTML.escape(HTML.tarballURL(task: task.id)))\" download>Download all (.tar)</a></p>"
        return "<section><h2>Files</h2>\(all)<table>\(rows.joined())</table></section>"
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

    private func historyTable() -> String {
        let rows = history.callbacks.map { callback in
            "<tr><td>\(HTML.escape(IndexCoding.timestamp(callback.receivedAt)))</td><td>\(HTML.escape(callback.statusSpelling))</td>"
                + "<td class=\"muted\">\(HTML.escape(callback.outcome.rawValue))</td></tr>"
        }
        let more = history.nextCursor.map {
            "<p><a class=\"more\" href=\"\(HTML.escape(HTML.taskURL(task.id)))?history_cursor=\($0)#history\">Later callbacks</a></p>"
        } ?? ""
        return "<section id=\"history\"><h2>History</h2><table><tr><th>received</th><th>status</th><th>outcome</th></tr>\(rows.joined())</table>\(more)</section>"
    }
}
