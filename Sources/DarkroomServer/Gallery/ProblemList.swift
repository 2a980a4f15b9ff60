import DarkroomCore

/// The task page's first section when something is wrong: each problem in words, the asset it
/// concerns, and what a publisher can do about it.
struct ProblemList {
    let problems: [Problem]

    var html: String {
        guard !problems.isEmpty else { return "" }
        let items = problems.sorted { ($0.severity == .error ? 0 : 1) < ($1.severity == .error ? 0 : 1) }.map { problem in
            "<li class=\"problem-item\"><b class=\"problem\">\(HTML.escape(Self.title(problem.kind)))</b> "
                + HTML.badge(problem.severity.rawValue, kind: problem.severity == .error ? "failed" : "warning")
                + " <span class=\"muted\">\(HTML.escape(problem.asset))</span><br>\(HTML.escape(problem.message))"
                + "<br><span class=\"advice\">\(HTML.escape(Self.advice(problem.kind)))</span></li>"
        }
        return "<section id=\"problems\" aria-labelledby=\"problems-title\"><h2 id=\"problems-title\">Problems</h2><ul>\(items.joined())</ul></section>"
    }

    static func title(_ kind: Problem.Kind) -> String {
        switch kind {
        case .durationMismatch: "Not as long as reported"
        case .truncated: "The file ends early"
        case .decodeErrors: "Damaged frames"
        case .downloadFailed: "Not downloaded"
        case .unsupportedMedia: "Not media Darkroom can read"
        case .tooLarge: "Over the configured limits"
        case .mediaCrashed: "The media worker died on it"
        case .mediaTimeout: "The media work took too long"
        case .outputSkipped: "An output could not be made"
        }
    }

    static func advice(_ kind: Problem.Kind) -> String {
        switch kind {
        case .durationMismatch:
            "Watch it to the end before publishing; if it is cut short, generate it again."
        case .truncated:
            "The generator's file or the download is incomplete: publish nothing from it; generate it again."
        case .decodeErrors:
            "Watch the damaged part; if it shows, generate it again."
        case .downloadFailed:
            "The result URL did not give the file. If the URL is still valid (Kling keeps results 30 days), retry the task; otherwise generate it again."
        case .unsupportedMedia:
            "Open the source file to see what it is; Darkroom keeps it as delivered."
        case .tooLarge:
            "If such files are expected, raise max-pixels or max-duration (docs/media.md) and retry the task."
        case .mediaCrashed, .mediaTimeout:
            "The source is kept. The server's log says why; retry the task, and report the file if it happens again."
        case .outputSkipped:
            "Only that preview is missing; the asset itself can be published."
        }
    }
}
