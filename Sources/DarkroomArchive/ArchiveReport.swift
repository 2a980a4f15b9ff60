/// What `verify` found in an archive, with paths relative to its root.
public struct ArchiveReport: Sendable {
    public var tasks = 0
    public var files = 0
    public var bytes: Int64 = 0
    public var findings: [Finding] = []
    /// Files no index lists that `--repair` removed.
    public var removed = 0

    public init() {}

    /// Something that does not match.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// Listed in an index file, not in the archive.
            case missing
            /// In the archive with another size or hash than listed.
            case changed
            /// In a task folder (or under the bucket's prefix), not listed by any index: a
            /// commit that did not finish, an earlier generation not yet removed, or a stranger.
            case unlisted
            /// An index file that cannot be read, or lists a path outside its folder.
            case badIndex = "bad-index"
            /// A task folder the catalog does not list, or a catalog line without its folder.
            case catalog
        }

        public var kind: Kind
        public var path: String
        public var detail: String

        public init(kind: Kind, path: String, detail: String) {
            self.kind = kind
            self.path = path
            self.detail = detail
        }

        public var description: String { "\(kind.rawValue) \(path): \(detail)" }
    }
}
