import DarkroomCore
import Foundation

/// Which tasks to list, and from where: newest first (by when Darkroom first saw them, which
/// never changes), so that a cursor taken from one page still leads to the same next page while
/// new tasks arrive.
public struct TaskQuery: Sendable, Equatable {
    /// Tasks of this provider only.
    public var provider: String?
    public var state: TaskState?
    public var verdict: Verdict?
    /// `(key, value)`: tasks whose tags hold exactly this pair.
    public var tag: (key: String, value: String)?
    /// On the generator's creation time; tasks without one are left out when either is set.
    public var createdAfter: Date?
    public var createdBefore: Date?
    public var limit: Int
    /// Continue after this task (the `nextCursor` of the page before).
    public var cursor: TaskCursor?

    public init(provider: String? = nil, state: TaskState? = nil, verdict: Verdict? = nil, tag: (key: String, value: String)? = nil,
                createdAfter: Date? = nil, createdBefore: Date? = nil, limit: Int = 100, cursor: TaskCursor? = nil) {
        self.provider = provider
        self.state = state
        self.verdict = verdict
        self.tag = tag
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
        self.limit = limit
        self.cursor = cursor
    }

    public static func == (lhs: TaskQuery, rhs: TaskQuery) -> Bool {
        lhs.provider == rhs.provider && lhs.state == rhs.state && lhs.verdict == rhs.verdict && lhs.tag?.key == rhs.tag?.key && lhs.tag?.value == rhs.tag?.value
            && lhs.createdAfter == rhs.createdAfter && lhs.createdBefore == rhs.createdBefore && lhs.limit == rhs.limit
            && lhs.cursor == rhs.cursor
    }

    /// Whether `task` passes the filters (the cursor and limit aside).
    func matches(_ task: TaskRecord) -> Bool {
        if let provider, task.provider != provider { return false }
        if let state, task.state != state { return false }
        if let verdict, task.verdict != verdict { return false }
        if let tag, task.tags[tag.key] != tag.value { return false }
        if createdAfter != nil || createdBefore != nil {
            guard let created = task.createdAt else { return false }
            if let createdAfter, created <= createdAfter { return false }
            if let createdBefore, created >= createdBefore { return false }
        }
        return true
    }
}

/// A place in the task list: the last task of a page. Opaque to clients (`text`).
public struct TaskCursor: Sendable, Equatable {
    public var firstSeenAt: Int64
    public var task: TaskKey

    public init(firstSeenAt: Int64, task: TaskKey) {
        self.firstSeenAt = firstSeenAt
        self.task = task
    }

    init(after task: TaskRecord) {
        self.init(firstSeenAt: task.firstSeenAt.millisecondsSince1970, task: task.key)
    }

    /// `<milliseconds>-<the provider's UTF-8 in lower-case hex>-<the id's>`: a shape the
    /// OpenAPI document can state as a pattern (`pattern`), so that every text of that shape is a
    /// cursor. Any time and key is a place in the list, even one no task holds.
    public var text: String {
        "\(firstSeenAt)-" + task.provider.utf8.hexString + "-" + task.id.utf8.hexString
    }

    /// The cursors `init?(text:)` takes: no NUL byte in the provider or the id, which the
    /// stores cannot hold.
    public static let pattern = "^[0-9]{1,18}-([0-9a-f][1-9a-f]|[1-9a-f]0)*-([0-9a-f][1-9a-f]|[1-9a-f]0)*$"

    public init?(text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }), let milliseconds = Int64(parts[0]),
              let provider = Self.bytes(hex: Array(parts[1].utf8)), let id = Self.bytes(hex: Array(parts[2].utf8)),
              !provider.contains(0), !id.contains(0) else { return nil }
        self.init(firstSeenAt: milliseconds, task: TaskKey(provider: String(decoding: provider, as: UTF8.self), id: String(decoding: id, as: UTF8.self)))
    }

    private static func bytes(hex: [UInt8]) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: hex.count, by: 2) {
            guard let high = nibble(hex[i]), let low = nibble(hex[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}

/// One page of tasks, and the cursor of the next page when there may be one.
public struct TaskPage: Sendable {
    public var tasks: [TaskRecord]
    public var nextCursor: TaskCursor?

    public init(tasks: [TaskRecord], limit: Int) {
        self.tasks = tasks
        nextCursor = tasks.count == limit ? tasks.last.map(TaskCursor.init(after:)) : nil
    }
}
