import DarkroomArchive
import DarkroomCore
import DarkroomFetch
import DarkroomMedia
import DarkroomQueue
import Foundation

/// Everything `darkroom serve` can be told. `ServeCommand` fills it from flags, `DARKROOM_*`
/// environment variables and a config file, in that order of precedence.
public struct ServerSettings: Sendable {
    public var data: URL
    /// Where the archive is: `<data>/archive`, another folder, or a bucket.
    public var archive: ArchiveSettings
    public var host: String
    public var port: Int
    /// Shared tokens accepted as `?token=` or `Authorization: Bearer`.
    public var tokens: [String]
    /// Standard Webhooks secrets (`whsec_…`); two during a rotation.
    public var webhookSecrets: [WebhookSignature.Secret]
    /// Tokens that may read the API (`Authorization: Bearer`); none: only loopback peers may.
    public var adminTokens: [String]
    /// Run without any authentication even when listening beyond loopback.
    public var insecureNoAuth: Bool
    /// Let downloads reach loopback and private addresses (local use and tests).
    public var allowPrivate: Bool
    /// A PEM file of the CAs trusted for result URLs instead of the system's.
    public var caBundle: String?
    /// Largest callback body accepted, in bytes.
    public var bodyLimit: Int
    /// Jobs downloading at once, and jobs in the media stage at once. Both 0: this process only
    /// takes callbacks, and other processes on the same database archive them.
    public var downloadWorkers: Int
    public var mediaWorkers: Int
    /// Attempts of a job before it is failed for good.
    public var maxAttempts: Int
    /// The wait before the second attempt; doubled for each further one, with ±20 % jitter, at
    /// most an hour.
    public var retryBaseDelay: Duration
    public var lease: Duration
    /// How long running jobs may go on after SIGTERM before their leases are given back.
    public var shutdownGrace: Duration
    /// Give the admin cookie `Secure` even when no proxy says the request came over https.
    public var secureCookie: Bool
    /// The `darkroom` binary that runs each asset's media work as a child process under
    /// `mediaLimits`; nil runs it in this process (tests of the library, where there is no binary).
    public var mediaWorker: URL?
    public var mediaLimits: MediaWorkerLimits
    /// What the media stage makes of each asset: renditions, thumbnails, the duration check.
    public var media: MediaSettings
    /// Where `task.archived` and `task.failed` events go.
    public var notifications: NotificationSettings
    /// Polling the provider for tasks whose callback did not come; off without a query URL.
    public var polling = PollSettings()
    /// A connection with no request in progress (idle, or its request head not yet complete)
    /// is closed after this long.
    public var idleTimeout: Duration
    /// A request whose body has not arrived in full this long after its head is cut off.
    public var bodyTimeout: Duration
    /// Connections open at once; past it, new ones wait in the kernel's backlog.
    public var maxConnections: Int
    /// Seconds one download may take in all, retries included.
    public var downloadDeadline: Int
    /// Bytes kept free on the staging area's file system (the archive folder's, or the data
    /// folder's with a bucket): below it no task starts downloading and `/readyz` says so.
    public var minFreeBytes: Int64
    /// Bytes one task's downloads may hold together; 0 for no limit.
    public var maxTaskBytes: Int64
    /// A PEM certificate chain and its key, to serve HTTPS itself; nil serves plain HTTP (behind
    /// a proxy that terminates TLS, or on loopback).
    public var tls: (certificate: String, key: String)?
    /// How long `/readyz` answers from its last check before checking again (the check writes
    /// and syncs a file, and anyone may ask).
    public var readinessInterval: Duration
    /// The task store: the SQLite file `<data>/darkroom.sqlite` unless `--database` names
    /// another file or a PostgreSQL database; how long a callback waits for it before 503.
    public var store: TaskStoreSettings

    public init(data: URL) {
        self.data = data
        archive = ArchiveSettings()
        host = "127.0.0.1"
        port = 8080
        tokens = []
        webhookSecrets = []
        adminTokens = []
        insecureNoAuth = false
        allowPrivate = false
        bodyLimit = 1 << 20
        downloadWorkers = 2
        mediaWorkers = 1
        maxAttempts = 5
        retryBaseDelay = .seconds(30)
        lease = .seconds(60)
        shutdownGrace = .seconds(20)
        secureCookie = false
        downloadDeadline = 1800
        minFreeBytes = 2 << 30
        maxTaskBytes = 16 << 30
        readinessInterval = .seconds(1)
        tls = nil
        idleTimeout = .seconds(30)
        bodyTimeout = .seconds(60)
        maxConnections = 1024
        mediaWorker = nil
        mediaLimits = MediaWorkerLimits()
        media = MediaSettings()
        notifications = NotificationSettings()
        store = TaskStoreSettings(data: data)
    }

    /// Whether the server listens only on this machine: `localhost` or a loopback address, judged
    /// as an address (`127.evil.com` is a name that may resolve anywhere).
    public var isLoopbackOnly: Bool {
        Loopback.isLoopbackHost(host)
    }

    /// Why these settings must not run, if they must not: an empty token (which `?token=` with
    /// nothing after it would match), or a server reachable from other machines with no way to
    /// tell a generator from anyone else.
    public var unsafeReason: String? {
        if tokens.contains(where: \.isEmpty) { return "a --token is empty; give each token a value (at least \(Self.shortToken) characters)" }
        if adminTokens.contains(where: \.isEmpty) { return "an --admin-token is empty; give each token a value (at least \(Self.shortToken) characters)" }
        guard !isLoopbackOnly, tokens.isEmpty, webhookSecrets.isEmpty, !insecureNoAuth else { return nil }
        return "listening on \(host) with neither --webhook-secret nor --token would let anyone post callbacks; configure one, listen on 127.0.0.1 (or ::1, localhost), or pass --insecure-no-auth"
    }

    /// What to warn about at start: tokens short enough to guess.
    public var warnings: [String] {
        (tokens.map { ("--token", $0) } + adminTokens.map { ("--admin-token", $0) })
            .filter { !$0.1.isEmpty && $0.1.count < Self.shortToken }
            .map { "a \($0.0) of \($0.1.count) characters is short enough to guess; use at least \(Self.shortToken) random characters" }
    }

    static let shortToken = 16
}
