import DarkroomQueue
import Hummingbird

extension StoreError {
    /// The answer when the store fails a request: 503 with `Retry-After` when waiting can help
    /// (a lock held past its time-out, a full disk), 500 otherwise.
    var httpError: HTTPError {
        kind == .unavailable
            ? HTTPError(.serviceUnavailable, headers: [.retryAfter: "5"], message: "\(description); try again")
            : HTTPError(.internalServerError, message: description)
    }
}
