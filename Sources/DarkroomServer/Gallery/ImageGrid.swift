import DarkroomCore

/// A task's images in a grid: each thumbnail links to the source, with its format, size and
/// file size under it.
struct ImageGrid {
    let task: TaskKey
    let images: [ImageEntry]

    var html: String {
        guard !images.isEmpty else { return "" }
        let figures = images.map { image in
            let number = image.index.map(String.init) ?? "?"
            var facts: [String] = []
            if let probe = image.probe { facts.append("\(probe.codec == "mjpeg" ? "JPEG" : probe.codec.uppercased()) \(probe.width)×\(probe.height)") }
            if let source = image.source { facts.append(FileList.size(source.bytes)) }
            var picture = "<div class=\"placeholder\">no preview</div>"
            if let thumbnail = image.thumbnail {
                picture = "<img loading=\"lazy\" alt=\"image \(HTML.escape(number))\" src=\"\(HTML.escape(TaskLinks.file(task, path: thumbnail.file.path)))\">"
            }
            if let source = image.source { picture = "<a href=\"\(HTML.escape(TaskLinks.file(task, path: source.path)))\">\(picture)</a>" }
            return "<figure class=\"image\">\(picture)<figcaption>Image \(HTML.escape(number))<br><span class=\"muted\">\(HTML.escape(facts.joined(separator: " · ")))</span></figcaption></figure>"
        }
        return "<section id=\"images\"><h2>Images</h2><div class=\"image-grid\">\(figures.joined())</div></section>"
    }
}
