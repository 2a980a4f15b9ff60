import DarkroomCore
import DarkroomQueue
import Foundation

/// An event as `GET /v1/tasks/{id}` shows it: its id and type, and each delivery with every
/// attempt. The body is not repeated (the receiver has it); an endpoint's query-string
/// credentials are redacted, as in the log.
struct EventDocument: Encodable, Sendable {
    var id: String
    var type: String
    var createdAt: Date
    var deliveries: [DeliveryDocument]

    struct DeliveryDocument: Encodable, Sendable {
        var endpoint: String
        var state: DeliveryState
        var nextAttemptAt: Date?
        var attempts: [Attempt]

        enum CodingKeys: String, CodingKey {
            case endpoint, state, attempts
            case nextAttemptAt = "next_attempt_at"
        }
    }

    struct Attempt: Encodable, Sendable {
        var at: Date
        var status: Int?
        var error: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, type, deliveries
        case createdAt = "created_at"
    }

    init(_ record: EventRecord) {
        id = record.event.id
        type = record.event.type
        createdAt = record.event.createdAt
        deliveries = record.deliveries.map { delivery in
            DeliveryDocument(endpoint: NotificationEndpoint.shown(delivery.endpoint), state: delivery.state, nextAttemptAt: delivery.nextAttemptAt,
                             attempts: delivery.attempts.map { Attempt(at: $0.at, status: $0.status, error: $0.error) })
        }
    }
}
