import DarkroomCore
import Foundation

/// One video of a task page: the player (the web rendition, its poster) with the storyboard
/// scrubber labelled as what it is, the facts a publisher looks for (as Mux's asset page shows
/// them), the duration check in words, the renditions to download, and the thumbnails.
struct VideoSection {
    let task: TaskKey
    let video: VideoEntry

    var html: String {
        var html = "<section class=\"video\"><h2>Video \(HTML.escape(video.id ?? ""))</h2>"
        html += player
        if let check = video.durationCheck {
            html += "<p class=\"duration-check\">" + Self.words(check) + " "
                + (check.ok ? HTML.badge("matches", kind: "ok") : HTML.badge("does not match", kind: check.mismatch == .error ? "failed" : "warning")) + "</p>"
        }
        html += facts
        html += renditions
        if !video.thumbnails.isEmpty {
            html += "<h3>Thumbnails</h3><div class=\"thumbs\">" + video.thumbnails.map {
                "<img loading=\"lazy\" alt=\"frame at \(Self.decimal($0.at ?? 0)) s\" src=\"\(link($0.file.path))\">"
            }.joined() + "</div>"
        }
        return html + "</section>"
    }

    private func link(_ path: String) -> String {
        HTML.escape(TaskLinks.file(task, path: path))
    }

    private var player: String {
        guard let rendition = video.renditions.first(where: { $0.profile == "web" }) ?? video.renditions.first else {
            guard let source = video.source else { return "" }
            return "<p><a href=\"\(link(source.path))\">The source</a> (no rendition could be made)</p>"
        }
        var html = "<video controls preload=\"metadata\" aria-label=\"video \(HTML.escape(video.id ?? ""))\""
        if let poster = video.poster { html += " poster=\"\(link(poster.file.path))\"" }
        html += " src=\"\(link(rendition.file.path))\">"
        if let storyboard = video.storyboard {
            html += "<track kind=\"metadata\" label=\"storyboard\" src=\"\(link(storyboard.vtt.path))\" data-sprite=\"\(link(storyboard.image.path))\">"
        }
        html += "</video>"
        if video.storyboard != nil {
            let id = "scrub-" + HTML.escape(video.id ?? "video").filter { $0.isLetter || $0.isNumber || $0 == "-" }
            html += "<div class=\"storyboard\"><label for=\"\(id)\">Storyboard: drag to preview frames, let go to jump there</label>"
                + "<input id=\"\(id)\" class=\"scrub\" type=\"range\" min=\"0\" max=\"1000\" value=\"0\"><div class=\"preview\" role=\"img\" aria-label=\"storyboard frame\"></div></div>"
        }
        return html
    }

    /// Duration, resolution, aspect ratio, frame rate, codecs, bit rate and container.
    private var facts: String {
        guard let probe = video.probe else { return "" }
        var rows: [(String, String)] = []
        if let seconds = probe.durationMeasured ?? probe.durationHeader { rows.append(("duration", "\(Self.decimal(seconds)) s")) }
        if let v = probe.video {
            let turned = v.rotation == 90 || v.rotation == 270
            let (width, height) = turned ? (v.height, v.width) : (v.width, v.height)
            rows.append(("resolution", "\(width)×\(height)" + (v.rotation != 0 ? " (stored \(v.width)×\(v.height), turned \(v.rotation)°)" : "")))
            rows.append(("aspect ratio", Self.aspectRatio(width, height)))
            if let rate = v.frameRate.flatMap(Self.framesPerSecond) { rows.append(("frame rate", "\(rate) fps")) }
            rows.append(("video", [v.codec, v.profile, v.pixFmt].compactMap { $0 }.joined(separator: " ")))
        }
        if let a = probe.audio { rows.append(("audio", "\(a.codec) \(a.sampleRate) Hz, \(a.channels == 1 ? "mono" : a.channels == 2 ? "stereo" : "\(a.channels) channels")")) }
        if let bitRate = probe.bitRate { rows.append(("bit rate", "\(bitRate / 1000) kb/s")) }
        rows.append(("container", Self.container(probe.container)))
        return "<table class=\"facts\"><caption class=\"visually-hidden\">Facts</caption>"
            + rows.map { "<tr><th scope=\"row\">\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    /// What was made for publishing, as a publisher picks a file: profile, codec, size, bit
    /// rate, file size, whether it is the source's own stream or an encode, and a download.
    private var renditions: String {
        guard !video.renditions.isEmpty else { return "" }
        let rows = video.renditions.map { rendition in
            let size = rendition.video.map { "\($0.width)×\($0.height)" } ?? "-"
            let bitRate = rendition.duration.flatMap { $0 > 0 ? "\(Int((Double(rendition.file.bytes) * 8 / $0 / 1000).rounded())) kb/s" : nil } ?? "-"
            let made = rendition.method == .copy ? "copy of the source" : "encoded" + (rendition.settings.map { ", CRF \($0.crf) \($0.preset)" } ?? "")
            let cells = [rendition.profile, [rendition.video?.codec, rendition.audio?.codec].compactMap { $0 }.joined(separator: " + "), size, bitRate,
                         FileList.size(rendition.file.bytes), made]
            return "<tr>" + cells.map { "<td>\(HTML.escape($0))</td>" }.joined()
                + "<td><a href=\"\(link(rendition.file.path))?download=1\" download>Download</a></td></tr>"
        }
        return "<table class=\"renditions\"><caption>Renditions</caption><tr><th scope=\"col\">profile</th><th scope=\"col\">codec</th>"
            + "<th scope=\"col\">size</th><th scope=\"col\">bit rate</th><th scope=\"col\">file</th><th scope=\"col\">made by</th>"
            + "<th scope=\"col\"><span class=\"visually-hidden\">download</span></th></tr>" + rows.joined() + "</table>"
    }

    /// "Lasts 2 s, 3 s shorter than the 5 s the generator reported (more than the 0.5 s allowed)."
    static func words(_ check: DurationCheck) -> String {
        let measured = "Lasts \(decimal(check.measured)) s"
        let difference = abs(check.measured - check.reported)
        if difference < 0.0005 { return measured + ", as the generator reported." }
        let direction = check.measured < check.reported ? "shorter" : "longer"
        let judged = check.ok ? "within the \(decimal(check.tolerance)) s allowed" : "more than the \(decimal(check.tolerance)) s allowed"
        return measured + ", \(decimal(difference)) s \(direction) than the \(decimal(check.reported)) s the generator reported (\(judged))."
    }

    /// To the thousandth at most, without trailing zeros: `5`, `5.1`, `2.043`, `29.97`.
    static func decimal(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `16:9`, `9:16`, `1:1`; an uncommon ratio as its decimal (`2.39:1`).
    static func aspectRatio(_ width: Int, _ height: Int) -> String {
        guard width > 0, height > 0 else { return "-" }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let divisor = gcd(width, height)
        let (w, h) = (width / divisor, height / divisor)
        return w <= 32 && h <= 32 ? "\(w):\(h)" : String(format: "%.2f:1", Double(width) / Double(height))
    }

    /// FFmpeg's demuxer names as a publisher knows the formats; another name as it is.
    static func container(_ demuxer: String) -> String {
        switch demuxer {
        case "mov,mp4,m4a,3gp,3g2,mj2": "MP4 / QuickTime"
        case "matroska,webm": "Matroska / WebM"
        default: demuxer
        }
    }

    /// `30000/1001` as `29.97`, `24/1` as `24`.
    static func framesPerSecond(_ fraction: String) -> String? {
        let parts = fraction.split(separator: "/")
        guard parts.count == 2, let numerator = Double(parts[0]), let denominator = Double(parts[1]), denominator > 0, numerator > 0 else { return nil }
        return decimal(numerator / denominator)
    }
}
