import DarkroomCore
import Foundation

/// An event for the systems that publish (`task.archived`, `task.failed`), written in the same
/// transaction as the state change it reports: an archived task always has its event, and a
/// change rolled back (a lost lease) never does. Its body is fixed when it is written, so every
/// delivery of it posts the same bytes under the same `webhook-id`.
public struct OutboxEvent: Sendable, Equatable {
    /// The `webhook-id`: `evt_` and 32 hex digits, random.
    public var id: String
    public var type: String
    public var task: TaskKey
    public var createdAt: Date
    /// The Standard Webhooks envelope, `{"type": …, "timestamp": …, "data": {…}}`.
    public var body: Data
    /// Where it goes: the endpoints configured when it was written that take its type.
    public var endpoints: [String]

    public init(id: String, type: String, task: TaskKey, createdAt: Date, body: Data, endpoints: [String]) {
        self.id = id
        self.type = type
        self.task = task
        self.createdAt = createdAt
        self.body = body
        self.endpoints = endpoints
    }
}

/// Where one event stands with one endpoint.
public enum DeliveryState: String, Sendable, Codable, CaseIterable {
    /// Not delivered yet: due at `nextAttemptAt`.
    case pending
    /// A 2xx answer.
    case delivered
    /// Given up: out of attempts, or older than a day.
    case failed
    /// The endpoint answered 410 Gone: it wants no more.
    case gone
}

/// One try at posting an event: when, and what came of it.
public struct DeliveryAttempt: Sendable, Equatable {
    public var at: Date
    /// The endpoint's HTTP status; nil when no answer came (the error says why).
    public var status: Int?
    public var error: String?

    public init(at: Date, status: Int?, error: String?) {
        self.at = at
        self.status = status
        self.error = error
    }
}

/// An event's delivery to one endpoint, with every attempt so far.
public struct Delivery: Sendable, Equatable {
    public var endpoint: String
    public var state: DeliveryState
    public var nextAttemptAt: Date?
    public var attempts: [DeliveryAttempt]

    public init(endpoint: String, state: DeliveryState, nextAttemptAt: Date?, attempts: [DeliveryAttempt]) {
        self.endpoint = endpoint
        self.state = state
        self.nextAttemptAt = nextAttemptAt
        self.attempts = attempts
    }
}

/// An event as the store keeps it: what was sent, and how each delivery went.
public struct EventRecord: Sendable, Equatable {
    public var event: OutboxEvent
    public var deliveries: [Delivery]
    /// The event's place in the outbox, for paging: later events have larger ones.
    public var sequence: Int64

    public init(event: OutboxEvent, deliveries: [Delivery], sequence: Int64) {
        self.event = event
        self.deliveries = deliveries
        self.sequence = sequence
    }

    /// Whether no delivery is still tried and one did not arrive (given up, or 410).
    public var isUndelivered: Bool {
        deliveries.contains { $0.state == .failed || $0.state == .gone } && !deliveries.contains { $0.state == .pending }
    }
}

/// A page of the outbox, oldest first.
public struct EventPage: Sendable, Equatable {
    public var events: [EventRecord]
    /// Where the next page starts; nil on the last.
    public var nextCursor: Int64?

    public init(events: [EventRecord], nextCursor: Int64?) {
        self.events = events
        self.nextCursor = nextCursor
    }

    /// At most this many events a page.
    public static let maxLimit = 500
}

/// How far the senders are behind: for `/metrics`.
public struct OutboxBacklog: Sendable, Equatable {
    /// Deliveries still to be made.
    public var pending: Int
    /// When the oldest event with a pending delivery was written.
    public var oldest: Date?

    public init(pending: Int, oldest: Date?) {
        self.pending = pending
        self.oldest = oldest
    }
}

/// A delivery taken by one sender until `leaseExpiresAt`; a sender that dies leaves it to be
/// taken again after that (at least once, across crashes).
public struct ClaimedDelivery: Sendable, Equatable {
    public var event: OutboxEvent
    public var endpoint: String
    /// Attempts before this one.
    public var attempts: Int
    public var owner: String

    public init(event: OutboxEvent, endpoint: String, attempts: Int, owner: String) {
        self.event = event
        self.endpoint = endpoint
        self.attempts = attempts
        self.owner = owner
    }
}

/// What an attempt leaves the delivery as.
public enum DeliveryResult: Sendable, Equatable {
    case delivered
    case retry(at: Date)
    case failed
    case gone

    var state: DeliveryState {
        switch self {
        case .delivered: .delivered
        case .retry: .pending
        case .failed: .failed
        case .gone: .gone
        }
    }

    var nextAttemptAt: Date? {
        if case .retry(let at) = self { return at }
        return nil
    }
}
