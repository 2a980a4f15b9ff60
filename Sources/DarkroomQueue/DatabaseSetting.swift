import Foundation

/// Which task store to open (`--database`): an SQLite file, the embedded default, or a
/// PostgreSQL database that many processes share.
public enum DatabaseSetting: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    /// `sqlite:PATH`, or `postgres://` / `postgresql://` `user:password@host:port/database`
    /// with an optional `?sslmode=disable|prefer|require`. The message of a refusal never holds
    /// the password.
    public init(parsing text: String) throws(StoreError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw StoreError(.failed, "--database sqlite: needs a path (sqlite:PATH)") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresAddress(parsing: text))
        } else {
            throw StoreError(.failed, "--database must be sqlite:PATH or postgres://user:password@host:port/database (got \(PostgresAddress.redacted(text)))")
        }
    }

    /// Where the store is, the password left out.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let address): address.description
        }
    }
}

/// A PostgreSQL server and database, parsed from a `postgres://` URL.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    init(parsing text: String) throws(StoreError) {
        let shown = Self.redacted(text)
        guard let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
            throw StoreError(.failed, "--database \(shown): not a postgres:// URL with a host")
        }
        guard let user = url.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw StoreError(.failed, "--database \(shown): name the user (postgres://user@host/database)")
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError(.failed, "--database \(shown): name the database (postgres://user@host/database)")
        }
        let port = url.port ?? 5432
        guard (1...65535).contains(port) else { throw StoreError(.failed, "--database \(shown): the port must be 1…65535") }
        var tls = TLSMode.prefer
        for item in url.queryItems ?? [] {
            guard item.name == "sslmode", let value = item.value, let mode = TLSMode(rawValue: value) else {
                throw StoreError(.failed, "--database \(shown): the one option is sslmode=disable|prefer|require")
            }
            tls = mode
        }
        self.init(host: host, port: port, user: user, password: url.percentEncodedPassword?.removingPercentEncoding,
                  database: database, tls: tls)
    }

    public var description: String {
        "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }

    /// `text` with whatever stands between `://user:` and `@` replaced, for messages about a URL
    /// that did not parse.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@") else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":…" + String(text[at...])
    }
}
