import Foundation

/// A real PostgreSQL server for tests: Debian's `postgresql` (installed by
/// `scripts/setup.sh --tests`), a cluster of its own in a scratch folder on 127.0.0.1 and a free
/// port, run as the `postgres` user when the tests run as root (the server refuses root). One
/// user, `darkroom`, with a password over TCP (trusted on the server's own socket), so that the
/// tests see a password travel and never show.
/// It can be stopped and started again on the same port and data, as a database that goes away.
public final class TestPostgres: @unchecked Sendable {
    public static let user = "darkroom"
    public static let password = "pg-secret-7f3a9c"

    public let folder: URL
    public let port: Int
    private var running: LifelineProcess?

    private static var binaries: URL {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let newest = versions.compactMap(Int.init).max().map(String.init) ?? "15"
        return URL(fileURLWithPath: "/usr/lib/postgresql/\(newest)/bin")
    }

    private var data: URL { folder.appendingPathComponent("data") }

    public init() async throws {
        // Not in a test's temporary folder (`makeTemporaryFolder`): the postgres user must enter
        // every folder on the way, and `scripts/test.sh` opens only the run's scratch folder to it.
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("darkroom-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        port = try freePort()
        if getuid() == 0 {
            _ = try await runChecked("chown", ["-R", "postgres:postgres", folder.path])
        }
        let command = Self.asServerUser(Self.binaries.appendingPathComponent("initdb").path, [
            "-D", data.path, "-U", Self.user, "-A", "trust", "--no-sync", "-E", "UTF8",
        ])
        let initdb = try await runCommand(command[0], Array(command.dropFirst()))
        guard initdb.status == 0 else { throw CommandError.failed("initdb", initdb) }
        try await start()
        // A password, checked by md5 rather than initdb's SCRAM: SCRAM's 4,096 rounds, run by a
        // debug build's client, took seconds per connection on a loaded machine.
        try await psql("postgres", "SET password_encryption = 'md5'; ALTER USER \(Self.user) PASSWORD '\(Self.password)'")
        let hba = data.appendingPathComponent("pg_hba.conf")
        let rules = try String(contentsOf: hba, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("host") ? line.replacingOccurrences(of: "trust", with: "md5") : String(line)
        }
        try rules.joined(separator: "\n").write(to: hba, atomically: false, encoding: .utf8)
        try await psql("postgres", "SELECT pg_reload_conf()")
    }

    /// The `--database` URL of a new, empty database on this server.
    public func newDatabase(_ label: String) async throws -> String {
        let name = "\(label)_\(UInt32.random(in: 0...UInt32.max))".lowercased().replacingOccurrences(of: "-", with: "_")
        try await psql("postgres", "CREATE DATABASE \(name)")
        return url(name)
    }

    public func url(_ database: String) -> String {
        "postgres://\(Self.user):\(Self.password)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// What `psql` printed for `sql` (unaligned, tuples only): an independent client's view.
    @discardableResult
    public func psql(_ database: String, _ sql: String) async throws -> String {
        let result = try await runCommand("psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", Self.user, "-d", database, "-v", "ON_ERROR_STOP=1",
                                                   "-X", "-A", "-t", "-c", sql],
                                          environment: ["PGPASSWORD": Self.password], timeout: .seconds(60))
        guard result.status == 0 else { throw CommandError.failed("psql \(sql)", result) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts the server and returns once it answers a query.
    public func start() async throws {
        let log = folder.appendingPathComponent("postgres.log")
        let logStart = (try? FileManager.default.attributesOfItem(atPath: log.path)[.size] as? Int) ?? 0
        let running = try LifelineProcess(Self.asServerUser(Self.binaries.appendingPathComponent("postgres").path, [
            "-D", data.path, "-p", "\(port)", "-k", folder.path, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
            "-c", "fsync=on", "-c", "synchronous_commit=on",
        ]), log: log)
        self.running = running
        try await waitUntil("PostgreSQL answers on \(port)", timeout: .seconds(60)) {
            // Its exit is read from /proc and from its log: Process.isRunning never learns of it
            // on a test thread, which blocks SIGCHLD.
            let started = (try? Data(contentsOf: log)).map { String(decoding: $0.dropFirst(logStart), as: UTF8.self) } ?? ""
            guard !running.hasExited, !started.contains("database system is shut down") else { throw TestPostgresExited(log: started) }
            return (try? await psql("postgres", "SELECT 1")) == "1"
        }
    }

    /// Stops the server as `pg_ctl stop -m fast` would (SIGINT: connections cut, a clean
    /// shutdown), and returns once it has removed its pid file, as pg_ctl waits for. (Not
    /// `Process.waitUntilExit`: the test threads block SIGCHLD, and it then spins forever.)
    public func stop() async throws {
        guard let running else { return }
        kill(running.process.processIdentifier, SIGINT)
        let pidFile = data.appendingPathComponent("postmaster.pid").path
        try await waitUntil("PostgreSQL on \(port) stops", timeout: .seconds(60)) {
            !FileManager.default.fileExists(atPath: pidFile)
        }
        running.kill()
        self.running = nil
    }

    /// `binary` and its `arguments`, run as the postgres user when this is root: setpriv execs
    /// in place, so the pid stays the server's.
    private static func asServerUser(_ binary: String, _ arguments: [String]) -> [String] {
        let switchUser = ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
        return (getuid() == 0 ? switchUser : []) + [binary] + arguments
    }
}

public struct TestPostgresExited: Error, CustomStringConvertible {
    public let log: String
    public var description: String { "postgres exited: \(log)" }
}

/// One PostgreSQL per test process, started by the first test that asks; tests each use a
/// database of their own on it.
public enum SharedPostgres {
    public static let shared = SharedServer { try await TestPostgres() }
}
