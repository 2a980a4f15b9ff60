import Foundation

extension URL {
    /// The URL without its query, fragment or user info, which can carry credentials (signed CDN
    /// links put their signature in the query). Use it in every message and log line.
    public var redacted: String {
        guard var components = URLComponents(url: self, resolvingAgainstBaseURL: false) else { return "(unparseable URL)" }
        let hadQuery = components.query != nil
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return (components.string ?? "(unparseable URL)") + (hadQuery ? "?…" : "")
    }
}
