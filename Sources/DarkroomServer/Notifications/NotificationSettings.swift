import DarkroomCore
import Foundation

/// Where and how `task.archived` and `task.failed` events are delivered.
public struct NotificationSettings: Sendable {
    public var endpoints: [NotificationEndpoint] = []
    /// Signs every request (Standard Webhooks); required when there is an endpoint.
    public var secret: WebhookSignature.Secret?
    /// Attempts of one delivery before it is given up; a day after the event it is given up
    /// whatever the count.
    public var maxAttempts = 15
    /// The wait after the first failed attempt, doubled after each further one (±20 %), at most
    /// an hour; longer when the endpoint's `Retry-After` asks for it.
    public var retryBase: Duration = .seconds(10)
    /// How long one POST may take in all.
    public var timeout: Duration = .seconds(10)
    /// Deliveries posted at once.
    public var senders = 2
    /// Where the systems that receive events reach this service's API, for the files' URLs
    /// (`<public-url>/v1/tasks/<id>/files/<path>`); nil leaves the URLs out.
    public var publicURL: URL?
    /// How long an event is retried before its deliveries are given up.
    public static let giveUpAfter: TimeInterval = 86_400

    public init() {}
}
