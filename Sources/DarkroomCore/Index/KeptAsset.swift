import Foundation

/// Set on an asset whose files come from the task's earlier archived generation, not from this
/// callback's download: a re-archive never loses a file the archive holds.
public struct KeptAsset: Sendable, Equatable, Codable {
    public enum Reason: String, Sendable, Codable {
        /// The new URL served the same bytes (same SHA-256): nothing was processed again.
        case unchanged
        /// The new URL could not be downloaded; the archived copy stays.
        case downloadFailed = "download_failed"
    }

    public var reason: Reason
    /// When the kept files were archived.
    public var archivedAt: Date

    enum CodingKeys: String, CodingKey {
        case reason
        case archivedAt = "archived_at"
    }

    public init(reason: Reason, archivedAt: Date) {
        self.reason = reason
        self.archivedAt = archivedAt
    }
}
