import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

/// `GET /v1/events` and `POST /v1/events/{id}/redeliver`, behind the admin check.
struct EventController: Sendable {
    let store: any TaskStore
    /// Rung after a redelivery, so the senders post it at once.
    let eventBell: Doorbell

    func addRoutes(to router: some RouterMethods<DarkroomRequestContext>) {
        router.get("/v1/events") { request, _ in try await list(request) }
        router.post("/v1/events/:id/redeliver") { _, context in try await redeliver(try context.eventID()) }
        MethodNotAllowed.add(to: router, "/v1/events", allowed: [.get])
        MethodNotAllowed.add(to: router, "/v1/events/:id/redeliver", allowed: [.post])
    }

    /// `?after=CURSOR&limit=N&undelivered=true`: the outbox, oldest first, `limit` (100 by
    /// default, at most 500) at a time; `next_cursor` while there are more.
    func list(_ request: Request) async throws -> Response {
        var cursor: Int64?
        if let text = try request.singleParameter("after"), !text.isEmpty {
            guard let value = Int64(decimalDigits: text) else { throw HTTPError(.badRequest, message: "after must be a cursor from next_cursor") }
            cursor = value
        }
        var limit = 100
        if let text = try request.singleParameter("limit") {
            guard let value = Int(text), (1...EventPage.maxLimit).contains(value) else {
                throw HTTPError(.badRequest, message: "limit must be a whole number from 1 to \(EventPage.maxLimit)")
            }
            limit = value
        }
        let undelivered: Bool
        switch try request.singleParameter("undelivered") {
        case nil, "false": undelivered = false
        case "true": undelivered = true
        default: throw HTTPError(.badRequest, message: "undelivered must be true or false")
        }
        let page = try await stored { () async throws(StoreError) in try await store.events(after: cursor, limit: limit, undeliveredOnly: undelivered) }
        return try JSONResponse.make(EventList(page))
    }

    func redeliver(_ id: String) async throws -> Response {
        guard let record = try await stored({ () async throws(StoreError) in try await store.redeliver(id, now: Date()) }) else {
            throw HTTPError(.notFound, message: "no event \(id)")
        }
        guard !record.deliveries.isEmpty else {
            throw HTTPError(.conflict, message: "event \(id) has no endpoint to go to: none took its type when it was written")
        }
        eventBell.ring()
        return try JSONResponse.make(EventDocument(record))
    }

    private func stored<T>(_ body: () async throws(StoreError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw error.httpError
        }
    }
}

/// A page of the outbox as `GET /v1/events` and `darkroom events --json` show it.
public struct EventList: Encodable, Sendable {
    var events: [EventDocument]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case events
        case nextCursor = "next_cursor"
    }

    public init(_ page: EventPage) {
        events = page.events.map(EventDocument.init)
        nextCursor = page.nextCursor.map(String.init)
    }
}
