import DarkroomQueue
import Hummingbird

/// Which page of a task's history a request asks for: `history_cursor` (as
/// `history_next_cursor` gave it) and `history_limit` (1–1000, default 100). A bad value is a
/// 400 saying what is expected.
struct HistoryPageRequest {
    var cursor: Int64?
    var limit = HistoryPage.defaultLimit

    init(parameters get: (String) throws -> String?) throws {
        if let text = try get("history_cursor"), !text.isEmpty {
            guard let cursor = Int64(decimalDigits: text), cursor > 0 else {
                throw HTTPError(.badRequest, message: "history_cursor is not one this server gave")
            }
            self.cursor = cursor
        }
        if let text = try get("history_limit"), !text.isEmpty {
            guard let limit = Int(text), (1...HistoryPage.maxLimit).contains(limit) else {
                throw HTTPError(.badRequest, message: "history_limit must be a whole number from 1 to \(HistoryPage.maxLimit)")
            }
            self.limit = limit
        }
    }
}
