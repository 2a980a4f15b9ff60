import Foundation

/// What identifies the version of a file a partial download holds: its ETag and Last-Modified
/// from the response that started it. A resumed request sends them as `If-Range` and checks the
/// answer carries the same, so two versions of a file are never stitched together.
struct ResumeValidators: Sendable, Equatable {
    var etag: String?
    var lastModified: String?

    /// The `If-Range` value: a strong ETag, else Last-Modified; nil when neither can vouch for
    /// the version (weak ETags are not allowed in If-Range), and then a download starts over.
    var ifRange: String? {
        if let etag, !etag.hasPrefix("W/") { return etag }
        return lastModified
    }

    /// Whether a 206 answer's validators show the same version.
    func sameVersion(as other: ResumeValidators) -> Bool {
        if let etag { return etag == other.etag }
        return lastModified != nil && lastModified == other.lastModified
    }
}

/// `Content-Range: bytes START-END/TOTAL` of a 206 answer; TOTAL may be `*`.
struct ContentRange: Equatable {
    var start: Int64
    var end: Int64
    var total: Int64?

    init?(_ header: String) {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes ") else { return nil }
        let parts = text.dropFirst(6).split(separator: "/", maxSplits: 1)
        let bounds = parts.first?.split(separator: "-", maxSplits: 1) ?? []
        guard parts.count == 2, bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), start <= end else { return nil }
        self.start = start
        self.end = end
        if parts[1] == "*" {
            total = nil
        } else {
            guard let total = Int64(parts[1]), total > end else { return nil }
            self.total = total
        }
    }
}
