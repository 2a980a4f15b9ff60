import Logging
import NIOSSL
import PostgresNIO

/// How Darkroom connects to PostgreSQL: the address, the pool's bound, and the settings every
/// connection starts with (`synchronous_commit` on, whatever the server's default, so that a
/// commit is on disk when it returns and a callback answered 200 survives the server's crash).
struct PostgresConnector: Sendable {
    let address: PostgresAddress
    let connections: Int
    let timeout: Duration

    /// A new connection (TCP, TLS, authentication) may take longer than a query: at least 10 s.
    private var connectTimeout: Duration { max(timeout, .seconds(10)) }

    private var startupParameters: [(String, String)] {
        [("synchronous_commit", "on"), ("application_name", "darkroom")]
    }

    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch address.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password, database: address.database, tls: tls)
        configuration.options.maximumConnections = connections
        configuration.options.connectTimeout = connectTimeout
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    /// One connection outside the pool, for the migrations at start.
    func connect(logger: Logger) async throws -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS = switch address.tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password, database: address.database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(Int64(connectTimeout / .milliseconds(1)))
        configuration.options.additionalStartupParameters = startupParameters
        return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
    }
}
