import DarkroomCore
import Foundation

/// Every file of an archived task: its path (a link), size and SHA-256 (shortened, whole in
/// the tooltip, with a button that copies it), and the link that downloads them all.
struct FileList {
    let task: TaskKey
    let index: TaskIndex

    var html: String {
        let rows = index.files.map { file in
            let path = HTML.escape(file.path)
            return "<tr><td><a href=\"\(HTML.escape(TaskLinks.file(task, path: file.path)))\">\(path)</a></td>"
                + "<td class=\"number\">\(HTML.escape(Self.size(file.bytes)))</td>"
                + "<td><code title=\"\(HTML.escape(file.sha256))\">\(HTML.escape(String(file.sha256.prefix(12))))…</code> "
                + "<button type=\"button\" class=\"copy\" data-copy=\"\(HTML.escape(file.sha256))\" aria-label=\"Copy the SHA-256 of \(path)\">Copy</button></td></tr>"
        }
        let indexRow = "<tr><td><a href=\"\(HTML.escape(TaskLinks.file(task, path: "index.json")))\">index.json</a></td>"
            + "<td colspan=\"2\" class=\"muted\">the index: what each file is, and its hash</td></tr>"
        let all = "<p><a href=\"\(HTML.escape(TaskLinks.tarball(task)))\" download>Download all (.tar)</a></p>"
        return "<section id=\"files\"><h2>Files</h2>\(all)<table><caption class=\"visually-hidden\">Files</caption>"
            + "<tr><th scope=\"col\">path</th><th scope=\"col\">size</th><th scope=\"col\">SHA-256</th></tr>\(indexRow)\(rows.joined())</table></section>"
    }

    static func size(_ bytes: Int) -> String {
        ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
    }
}
