/// A task's overall judgement, from the severities of its problems.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    /// No problem: every asset archived, verified and made ready.
    case ok
    /// Archived, with problems worth a look (a duration that does not match, by default).
    case warning
    /// At least one asset is unusable or missing (not downloaded, cut short, not decodable).
    /// The good assets are archived all the same.
    case failed

    public init(problems: [Problem]) {
        if problems.contains(where: { $0.severity == .error }) {
            self = .failed
        } else if problems.isEmpty {
            self = .ok
        } else {
            self = .warning
        }
    }
}
