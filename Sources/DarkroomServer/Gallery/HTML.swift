import Crypto
import DarkroomCore
import Foundation
import Hummingbird

/// Server-rendered HTML for the gallery: escaping, links to tasks and files, and the page frame
/// with its stylesheet and its one script. No build step, no framework; pages work without
/// JavaScript.
enum HTML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// One path segment, percent-encoded (task ids may hold `/`, spaces, anything).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// One query value, percent-encoded: `&`, `=`, `+` or `#` in it would end or change it.
    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `mediaOrigin`: where else the page's pictures and video may come from (the store that
    /// the files route redirects to), besides this server.
    static func page(title: String, body: String, status: HTTPResponse.Status = .ok, mediaOrigin: String? = nil) -> Response {
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Darkroom</title><style>\(style)</style></head>
            <body><header><a class="brand" href="/">Darkroom</a></header><main>\(body)</main><script>\(PageScript.source)</script></body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: contentSecurityPolicy(mediaOrigin: mediaOrigin)],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// Pages load only this server's images and media (and the store's it redirects to), and
    /// the one script the gallery has (by its hash); no other site may frame them, and forms
    /// post only here.
    static func contentSecurityPolicy(mediaOrigin: String? = nil) -> String {
        let sources = (["'self'"] + [mediaOrigin].compactMap { $0 }).joined(separator: " ")
        return "default-src 'none'; img-src \(sources); media-src \(sources); style-src 'unsafe-inline'; script-src 'sha256-\(scriptHash)'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    private static let scriptHash = Data(SHA256.hash(data: Data(PageScript.source.utf8))).base64EncodedString()

    /// A time as `<time>`: readable UTC in the page, the exact UTC value in the tooltip; the
    /// page script shows it in the viewer's zone.
    static func time(_ date: Date) -> String {
        let exact = IndexCoding.timestamp(date)
        return "<time datetime=\"\(escape(exact))\" title=\"\(escape(exact))\">\(escape(readable.string(from: date)))</time>"
    }

    private static let readable: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm 'UTC'"
        return formatter
    }()

    static func badge(_ text: String, kind: String) -> String {
        "<span class=\"badge badge-\(escape(kind))\">\(escape(text))</span>"
    }

    private static let style = """
        :root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fafafa;--card:#fff;--muted:#6e6e73;--line:#e3e3e6}
        @media (prefers-color-scheme:dark){:root{--fg:#f2f2f2;--bg:#111;--card:#1c1c1e;--muted:#a1a1a6;--line:#2c2c2e}}
        body{margin:0;font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
        header{padding:12px 24px;border-bottom:1px solid var(--line)}.brand{font-weight:700;color:inherit;text-decoration:none}
        main{padding:20px 24px;max-width:1200px;margin:auto}a{color:#0a66d8}
        form.filters{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:16px}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:16px}
        .card{color:inherit;text-decoration:none;background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden}
        .card img,.card .placeholder{display:block;width:100%;aspect-ratio:16/9;object-fit:cover;background:#000}
        .card .placeholder{display:flex;align-items:center;justify-content:center;color:#aaa}
        .card .text{padding:8px 10px}.card .id{font-weight:600}
        .card .line{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
        .muted{color:var(--muted)}.problem{color:#b3261e}
        .badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;color:#fff;background:#6e6e73}
        .badge-ok{background:#1b873f}.badge-warning{background:#b26a00}.badge-failed{background:#b3261e}
        .badge-delivered{background:#1b873f}.badge-gone{background:#b26a00}
        table{border-collapse:collapse}td,th{padding:3px 10px 3px 0;text-align:left;vertical-align:top}
        video{width:100%;max-height:70vh;background:#000;border-radius:8px}
        .thumbs{display:flex;gap:6px;flex-wrap:wrap}.thumbs img{width:160px;border-radius:4px}
        .preview{width:160px;height:90px;background-repeat:no-repeat;display:none;border:1px solid var(--line)}
        section{margin:18px 0}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        #problems ul{padding-left:18px}.problem-item{margin-bottom:8px}.advice{color:var(--fg)}
        .storyboard label{display:block;font-size:13px;color:var(--muted);margin-top:6px}.scrub{width:100%}
        .facts th{color:var(--muted);font-weight:normal}td.number{text-align:right}
        .image-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:16px}
        .image-grid figure{margin:0}.image-grid img,.image-grid .placeholder{width:100%;border-radius:6px;display:block}
        button.copy{font-size:12px;padding:0 6px}caption{text-align:left;font-weight:600;padding:8px 0 4px}
        """
}
