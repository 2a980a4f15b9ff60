import Foundation

/// HTTPS servers on 127.0.0.1 for tests, run by nginx (Debian's, as `scripts/setup.sh --tests`
/// installs it) with certificates of a test CA made for this run by `Tests/Scripts/make_test_certs.py`.
/// Each way a TLS server can be wrong has a port of its own; all serve `body` as `/file.bin`.
public final class TLSTestServer: @unchecked Sendable {
    public enum Endpoint: CaseIterable, Sendable {
        /// A certificate of the test CA for 127.0.0.1 and localhost; HTTP/2 offered.
        case good
        /// Signed by the test CA, but for other.example only.
        case wrongHost
        /// For 127.0.0.1, expired yesterday.
        case expired
        /// The good certificate, but TLS 1.0 and 1.1 only.
        case oldTLS
        /// Plain HTTP, the target of `/to-http` on `good`.
        case plain
    }

    public let folder: URL
    public let body: Data
    /// The test CA's certificate, PEM: what a client is told to trust.
    public var caBundle: String { folder.appendingPathComponent("ca.pem").path }
    /// A CA that signed nothing here.
    public var otherCABundle: String { folder.appendingPathComponent("other-ca.pem").path }
    public var goodCertificate: String { folder.appendingPathComponent("good.pem").path }
    public var goodKey: String { folder.appendingPathComponent("good.key").path }

    private let ports: [Endpoint: Int]
    private let process = Process()
    /// nginx's lifeline: a shell beside it waits for this pipe to close, which happens when this
    /// process ends however it ends, and then stops nginx (a shared server is never
    /// deinitialised), with SIGKILL: nginx may inherit SIGTERM blocked from the thread that
    /// started it, and with no master process it never unblocks it. The shell itself ends with
    /// nginx, so a failed start is seen at once.
    private let lifeline = Pipe()

    /// Makes the certificates and starts nginx; returns once every port accepts connections.
    public init(body: Data) async throws {
        folder = try makeTemporaryFolder("tls")
        self.body = body
        var ports: [Endpoint: Int] = [:]
        for endpoint in Endpoint.allCases { ports[endpoint] = try freePort() }
        self.ports = ports
        try await runChecked(RepositoryFiles.python, [
            RepositoryFiles.root.appendingPathComponent("Tests/Scripts/make_test_certs.py").path, folder.path, "127.0.0.1",
        ])
        let www = folder.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try body.write(to: www.appendingPathComponent("file.bin"))
        let config = folder.appendingPathComponent("nginx.conf")
        try configuration(root: www.path).write(to: config, atomically: true, encoding: .utf8)

        let log = folder.appendingPathComponent("nginx.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", #"exec 3<&0; /usr/sbin/nginx -p "$0" -c "$1" </dev/null & nginx=$!; (cat <&3 >/dev/null; kill -9 "$nginx") & wait "$nginx""#,
            folder.path, config.path,
        ]
        process.standardOutput = output
        process.standardError = output
        process.standardInput = lifeline
        try process.run()
        for port in ports.values {
            try await waitUntil("nginx listens on \(port)", timeout: .seconds(20)) { [process] in
                guard process.isRunning else {
                    throw TLSTestServerError.exited((try? String(contentsOf: log, encoding: .utf8)) ?? "")
                }
                return Self.accepts(port: port)
            }
        }
    }

    deinit {
        try? lifeline.fileHandleForWriting.close()
    }

    public func port(_ endpoint: Endpoint) -> Int { ports[endpoint]! }

    /// `https://127.0.0.1:<port>/<path>` (http for `plain`).
    public func url(_ endpoint: Endpoint, _ path: String = "file.bin", host: String = "127.0.0.1") -> URL {
        URL(string: "\(endpoint == .plain ? "http" : "https")://\(host):\(port(endpoint))/\(path)")!
    }

    private func configuration(root: String) -> String {
        let good = "ssl_certificate \(folder.path)/good.pem; ssl_certificate_key \(folder.path)/good.key;"
        let temporary = folder.appendingPathComponent("temporary").path
        return """
            master_process off;
            daemon off;
            pid \(folder.path)/nginx.pid;
            error_log stderr warn;
            events { worker_connections 128; }
            http {
              access_log off;
              client_body_temp_path \(temporary); proxy_temp_path \(temporary); fastcgi_temp_path \(temporary);
              uwsgi_temp_path \(temporary); scgi_temp_path \(temporary);
              root \(root);
              server {
                listen 127.0.0.1:\(port(.good)) ssl http2; \(good)
                location = /to-http { return 302 http://127.0.0.1:\(port(.plain))/file.bin; }
              }
              server {
                listen 127.0.0.1:\(port(.wrongHost)) ssl;
                ssl_certificate \(folder.path)/wrong-host.pem; ssl_certificate_key \(folder.path)/wrong-host.key;
              }
              server {
                listen 127.0.0.1:\(port(.expired)) ssl;
                ssl_certificate \(folder.path)/expired.pem; ssl_certificate_key \(folder.path)/expired.key;
              }
              server {
                listen 127.0.0.1:\(port(.oldTLS)) ssl; \(good)
                ssl_protocols TLSv1 TLSv1.1; ssl_ciphers DEFAULT:@SECLEVEL=0;
              }
              server { listen 127.0.0.1:\(port(.plain)); }
            }
            """
    }

    private static func accepts(port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

public enum TLSTestServerError: Error, CustomStringConvertible {
    case exited(String)

    public var description: String {
        switch self {
        case .exited(let log): "nginx exited: \(log)"
        }
    }
}

/// One nginx per test process, started by the first test that asks.
public enum SharedTLSServer {
    public static let shared = SharedServer { try await TLSTestServer(body: pseudoRandomBytes(300_000, seed: 3)) }
}
