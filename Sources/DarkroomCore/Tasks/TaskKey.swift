/// What names a task in Darkroom: the provider that runs it and the provider's id for it. Two
/// providers may well use one id; the pair never repeats, so the stores, the archive and the API
/// all key a task by both.
public struct TaskKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The provider's name, as in its callback route (`kling`).
    public var provider: String
    /// The provider's id of the task, as it sent it.
    public var id: String

    public init(provider: String, id: String) {
        self.provider = provider
        self.id = id
    }

    /// In log lines and messages: the id alone for `kling`, whose tasks came before there were
    /// providers, `<provider>:<id>` otherwise. Not a key to parse back: an id may hold a colon.
    public var description: String {
        provider == Kling.name ? id : "\(provider):\(id)"
    }

    /// The order of the task list's ties: by provider, then id, each as UTF-8 bytes (the
    /// stores' `COLLATE "C"` and SQLite's binary collation).
    public static func < (lhs: TaskKey, rhs: TaskKey) -> Bool {
        if lhs.provider != rhs.provider { return lhs.provider.utf8.lexicographicallyPrecedes(rhs.provider.utf8) }
        return lhs.id.utf8.lexicographicallyPrecedes(rhs.id.utf8)
    }
}
