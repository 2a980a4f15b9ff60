import PostgresNIO

/// What a PostgreSQL failure means to Darkroom: `unavailable` (503, retried) when the server
/// cannot be reached, is shutting down, is out of resources, or aborted a transaction to break a
/// deadlock or a serialisation conflict; `failed` for the rest. The message says what the server
/// or the connection said, never the connection's password (postgres-nio's errors do not hold it).
enum PostgresFailure {
    static func storeError(_ error: any Error, _ what: String, address: PostgresAddress) -> StoreError {
        if let error = error as? StoreError { return StoreError(error.kind, "\(what): PostgreSQL at \(address): \(error.reason)") }
        if let error = error as? PSQLError {
            if error.code == .server, let info = error.serverInfo {
                let state = info[.sqlState] ?? ""
                let message = info[.message] ?? "an error"
                let transient = ["08", "53", "57"].contains(String(state.prefix(2))) || ["40001", "40P01"].contains(state)
                return StoreError(transient ? .unavailable : .failed, "\(what): PostgreSQL at \(address) said: \(message) (SQLSTATE \(state))")
            }
            let cause = error.underlying.map { ": \($0)" } ?? ""
            let failed: [PSQLError.Code] = [.unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError, .tooManyParameters]
            return StoreError(failed.contains(error.code) ? .failed : .unavailable,
                              "\(what): no answer from PostgreSQL at \(address) (\(error.code)\(cause))")
        }
        // The pool's own errors (no connection after its retries, a cancelled wait) and anything else.
        return StoreError(.unavailable, "\(what): PostgreSQL at \(address): \(error)")
    }
}
