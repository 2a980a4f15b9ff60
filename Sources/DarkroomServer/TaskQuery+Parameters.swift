import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

extension TaskQuery {
    /// The query of `GET /v1/tasks` and of the gallery: `provider`, `state`, `verdict`, `tag=key:value`,
    /// `created_after`, `created_before` (RFC 3339), `limit` (1–1000), `cursor`. An empty value
    /// (an HTML form's "any") is no filter; a bad one is a 400 saying what is expected.
    init(parameters get: (String) throws -> String?) throws {
        func given(_ name: String) throws -> String? {
            try get(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        self.init()
        if let text = try given("provider") {
            guard Providers.isName(text) else { throw HTTPError(.badRequest, message: "provider must be 1 to 32 of a-z, 0-9 and -") }
            provider = text
        }
        if let text = try given("state") {
            guard let state = TaskState(rawValue: text) else {
                throw HTTPError(.badRequest, message: "state must be one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.state = state
        }
        if let text = try given("verdict") {
            guard let verdict = Verdict(rawValue: text) else {
                throw HTTPError(.badRequest, message: "verdict must be one of \(Verdict.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.verdict = verdict
        }
        if let text = try given("tag") {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("\""), !parts[0].contains("\\"), !text.unicodeScalars.contains("\0") else {
                throw HTTPError(.badRequest, message: "tag must be key:value")
            }
            tag = (String(parts[0]), String(parts[1]))
        }
        createdAfter = try Self.time(try given("created_after"), "created_after")
        createdBefore = try Self.time(try given("created_before"), "created_before")
        if let text = try given("limit") {
            guard let limit = Int(text), (1...1000).contains(limit) else {
                throw HTTPError(.badRequest, message: "limit must be a whole number from 1 to 1000")
            }
            self.limit = limit
        }
        if let text = try given("cursor") {
            guard let cursor = TaskCursor(text: text) else { throw HTTPError(.badRequest, message: "cursor is not one this server gave") }
            self.cursor = cursor
        }
    }

    private static func time(_ text: String?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = RFC3339.date(text) else {
            throw HTTPError(.badRequest, message: "\(name) must be an RFC 3339 time such as 2025-11-21T00:00:00Z")
        }
        return date
    }
}
