import ArgumentParser
import DarkroomCore
import DarkroomFetch
import DarkroomMedia
import DarkroomQueue
import DarkroomServer
import Foundation
import Hummingbird
import Logging
import NIOCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service: the callback endpoint, the API and the archive workers.",
        discussion: """
            Takes callbacks on POST /v1/callbacks/kling, stores each in the task store (SQLite, \
            <data>/darkroom.sqlite, or the PostgreSQL database of --database, which many processes \
            may share) before answering 200, and archives succeeded tasks into <data>/archive with a download \
            stage and a media stage of their own. Every setting can also be given as an environment \
            variable DARKROOM_<NAME> (--download-workers: DARKROOM_DOWNLOAD_WORKERS) or as the key \
            <name> of the JSON file given by --config or DARKROOM_CONFIG ({"download-workers": 2}); \
            the file also holds the media settings that have no flag: rendition profiles, \
            thumbnails, storyboard, media limits (docs/media.md, "Settings"). A flag wins over the \
            environment, which wins over the file. Lists (tokens, secrets) are space- or \
            comma-separated in the environment and arrays in the file. Listening beyond \
            loopback needs --webhook-secret or --token, or --insecure-no-auth. SIGTERM or SIGINT: \
            stop taking callbacks, let running jobs finish for up to --shutdown-grace seconds, give \
            back the leases of the rest, exit 0.
            """
    )

    static let settingNames = [
        "data", "host", "port", "token", "webhook-secret", "admin-token", "allow-private", "insecure-no-auth", "download-workers",
        "media-workers", "body-limit", "max-attempts", "retry-base-seconds", "lease-seconds", "shutdown-grace", "log-level",
        "media-in-process", "media-memory-limit", "media-file-size-limit", "media-deadline-base", "media-deadline-per-second",
        "idle-timeout", "body-timeout", "max-connections", "download-deadline", "min-free-bytes", "max-task-bytes", "ca-bundle",
        "tls-cert", "tls-key", "database", "database-connections", "database-timeout", "notify", "notify-secret",
        "notify-max-attempts", "notify-retry-base-seconds", "notify-timeout", "public-url", "threads",
    ]

    @Option(help: ArgumentHelp("The data folder: the database and the archive. Default: ./darkroom-data.", valueName: "dir"))
    var data: String?

    @OptionGroup var archiveOptions: ArchiveOptions

    @OptionGroup var mediaOptions: MediaOptions

    @OptionGroup(title: "Polling the provider for missed callbacks") var pollOptions: PollOptions

    @Option(help: ArgumentHelp(
        "The task store: sqlite:PATH, or postgres://user:password@host:port/database[?sslmode=disable|prefer|require] shared by many processes. Default: sqlite:<data>/darkroom.sqlite. Prefer DARKROOM_DATABASE for a password: a flag shows in ps.",
        valueName: "url"))
    var database: String?

    @Option(help: "PostgreSQL: connections the pool may open at most. Default: 10.")
    var databaseConnections: Int?

    @Option(help: "Seconds an operation waits for the task store (a lock, a connection, an answer) before answering 503. Default: 5.")
    var databaseTimeout: Int?

    @Option(help: "The address to listen on. Default: 127.0.0.1.")
    var host: String?

    @Option(help: "The port to listen on. Default: 8080; 0 picks a free one.")
    var port: Int?

    @Option(help: ArgumentHelp("A PEM certificate chain: serve HTTPS (TLS 1.2 and later) with it and --tls-key.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(help: "A shared token callers send as ?token= or Authorization: Bearer. Repeatable.")
    var token: [String] = []

    @Option(help: "A Standard Webhooks secret (whsec_…) that signs callbacks. Repeat it during a rotation.")
    var webhookSecret: [String] = []

    @Option(help: "A token that may read the API (Authorization: Bearer). Repeatable. None: only this machine may.")
    var adminToken: [String] = []

    @Flag(help: "Let downloads reach loopback, private and link-local addresses (local use).")
    var allowPrivate = false

    @Option(help: ArgumentHelp(
        "A PEM file of the CAs to trust for result URLs instead of the system's. Default: $SSL_CERT_FILE, else $CURL_CA_BUNDLE, else the system's.",
        valueName: "file"))
    var caBundle: String?

    @Flag(help: "Listen beyond loopback without any authentication. Anyone could post callbacks.")
    var insecureNoAuth = false

    @Option(help: ArgumentHelp(
        "An endpoint for task.archived and task.failed events, signed with --notify-secret; #task.failed (types joined by +) takes only those. Repeatable.",
        valueName: "url[#types]"))
    var notify: [String] = []

    @Option(help: ArgumentHelp("The Standard Webhooks secret that signs every event. Required with --notify.", valueName: "whsec_…"))
    var notifySecret: String?

    @Option(help: "Attempts of one event's delivery before it is given up (it is given up a day after the event in any case). Default: 15.")
    var notifyMaxAttempts: Int?

    @Option(help: "Seconds before an event's second attempt, doubled for each further one (±20 %, at most an hour); longer when the endpoint's Retry-After says so. Default: 10.")
    var notifyRetryBaseSeconds: Int?

    @Option(help: "Seconds one POST of an event may take. Default: 10.")
    var notifyTimeout: Int?

    @Option(help: ArgumentHelp("Where receivers of events reach this service's API: the base of the files' URLs in task.archived. Default: none, no URLs.",
                               valueName: "http(s)://host[:port]"))
    var publicURL: String?

    @Option(help: "Jobs downloading at once. Default: 2. 0 with --media-workers 0: take callbacks only.")
    var downloadWorkers: Int?

    @Option(help: "Jobs verifying and transcoding at once. Default: 1.")
    var mediaWorkers: Int?

    @Option(help: "Largest callback body accepted, in bytes. Default: 1048576.")
    var bodyLimit: Int?

    @Option(help: "Attempts of an archive job before it fails for good. Default: 5.")
    var maxAttempts: Int?

    @Option(help: "Seconds before the second attempt, doubled for each further one (±20 %). Default: 30.")
    var retryBaseSeconds: Int?

    @Option(help: "Seconds a job's lease lasts without renewal; a dead worker's job is taken back after it. Default: 60.")
    var leaseSeconds: Int?

    @Option(help: "Seconds running jobs may go on after SIGTERM. Default: 20.")
    var shutdownGrace: Int?

    @Flag(help: "Run media work in this process instead of a child process per asset (a crash in FFmpeg then stops the service).")
    var mediaInProcess = false

    @Option(help: "Address space a media child may use, bytes. Default: 8589934592 (8 GiB).")
    var mediaMemoryLimit: Int?

    @Option(help: "Largest file a media child may write, bytes. Default: 17179869184 (16 GiB).")
    var mediaFileSizeLimit: Int?

    @Option(help: "Seconds a media child has before its video is probed, and on top of the per-second time after. Default: 120.")
    var mediaDeadlineBase: Int?

    @Option(help: "Seconds a media child has per second of video (its measured duration). Default: 10.")
    var mediaDeadlinePerSecond: Int?

    @Option(help: "Seconds a connection may stay open with no request, or with a request head not yet complete. Default: 30.")
    var idleTimeout: Int?

    @Option(help: "Seconds a request's body may take to arrive after its head. Default: 60.")
    var bodyTimeout: Int?

    @Option(help: "Connections served at once; more wait. Default: 1024.")
    var maxConnections: Int?

    @Option(help: "Threads that serve connections and run the service's tasks. Default: one per core. Several processes on one machine: give each its share of the cores; 1 runs the tasks on the connections' thread.")
    var threads: Int?

    @Option(help: "Seconds one download may take in all, retries included. Default: 1800.")
    var downloadDeadline: Int?

    @Option(help: "Bytes kept free on the archive's file system; below it downloads wait and /readyz says so. Default: 2147483648 (2 GiB).")
    var minFreeBytes: Int?

    @Option(help: "Bytes one task's downloads may hold together; a result past it is too_large. 0: no limit. Default: 17179869184 (16 GiB).")
    var maxTaskBytes: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical. Default: info.")
    var logLevel: String?

    @Option(help: ArgumentHelp("A JSON file of settings (keys as the flags' names).", valueName: "file"))
    var config: String?

    func run() async throws {
        let layers = try SettingLayers(environment: ProcessInfo.processInfo.environment, configPath: config)
        let settings = try resolve(layers)
        LoggingSystem.bootstrap { label in EscapingLogHandler(StreamLogHandler.standardError(label: label)) }
        var logger = Logger(label: "darkroom")
        logger.logLevel = try logLevelSetting(layers)
        ServiceThreads.use(try layers.int(threads, "threads", default: System.coreCount, minimum: 1, maximum: 1024), logger: logger)
        FFmpegLogging.configure(verbose: false)
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(settings: settings, logger: logger)
        } catch let error as ServerStartError {
            throw fail(error, code: error.isUsage ? 64 : 1)
        }
        do {
            try await app.runService()
            logger.notice("darkroom serve stopped")
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw fail("cannot listen on \(settings.host):\(settings.port): the address is in use (another darkroom, or another program?)")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw fail("cannot listen on \(settings.host):\(settings.port): permission denied (ports below 1024 need privileges)")
        }
    }

    private func resolve(_ layers: SettingLayers) throws -> ServerSettings {
        var settings = ServerSettings(data: URL(fileURLWithPath: try layers.string(data, "data") ?? "darkroom-data"))
        settings.archive = try archiveOptions.settings(layers)
        if let text = try layers.string(database, "database") {
            do {
                settings.store.database = try DatabaseSetting(parsing: text)
            } catch {
                throw ValidationError(error.reason)
            }
        }
        settings.store.connections = try layers.int(databaseConnections, "database-connections", default: settings.store.connections, minimum: 2, maximum: 1000)
        settings.store.timeout = .seconds(try layers.int(databaseTimeout, "database-timeout", default: 5, minimum: 1))
        settings.host = try layers.string(host, "host") ?? settings.host
        settings.port = try layers.int(port, "port", default: settings.port, minimum: 0, maximum: 65535)
        settings.tokens = try layers.list(token, "token")
        settings.webhookSecrets = try layers.list(webhookSecret, "webhook-secret").map { text in
            guard let secret = WebhookSignature.Secret(text) else {
                throw ValidationError("a webhook secret must be whsec_ and Base64 (as Kling shows it), or Base64 alone")
            }
            return secret
        }
        settings.adminTokens = try layers.list(adminToken, "admin-token")
        settings.allowPrivate = try layers.bool(allowPrivate, "allow-private")
        settings.caBundle = try layers.string(caBundle, "ca-bundle") ?? FetchOptions.environmentCABundle
        switch (try layers.string(tlsCert, "tls-cert"), try layers.string(tlsKey, "tls-key")) {
        case (nil, nil): break
        case let (certificate?, key?):
            settings.tls = (certificate, key)
            // The admin cookie then only ever travels over TLS.
            settings.secureCookie = true
        default: throw ValidationError("tls-cert and tls-key go together")
        }
        settings.insecureNoAuth = try layers.bool(insecureNoAuth, "insecure-no-auth")
        settings.downloadWorkers = try layers.int(downloadWorkers, "download-workers", default: settings.downloadWorkers, minimum: 0)
        settings.mediaWorkers = try layers.int(mediaWorkers, "media-workers", default: settings.mediaWorkers, minimum: 0)
        if (settings.downloadWorkers == 0) != (settings.mediaWorkers == 0) {
            throw ValidationError("download-workers and media-workers are both 0 (take callbacks only) or both at least 1")
        }
        settings.bodyLimit = try layers.int(bodyLimit, "body-limit", default: settings.bodyLimit, minimum: 1024)
        settings.maxAttempts = try layers.int(maxAttempts, "max-attempts", default: settings.maxAttempts, minimum: 1)
        settings.retryBaseDelay = .seconds(try layers.int(retryBaseSeconds, "retry-base-seconds", default: 30, minimum: 0))
        settings.lease = .seconds(try layers.int(leaseSeconds, "lease-seconds", default: 60, minimum: 3))
        settings.shutdownGrace = .seconds(try layers.int(shutdownGrace, "shutdown-grace", default: 20, minimum: 0))
        settings.downloadDeadline = try layers.int(downloadDeadline, "download-deadline", default: settings.downloadDeadline, minimum: 1)
        settings.minFreeBytes = Int64(try layers.int(minFreeBytes, "min-free-bytes", default: Int(settings.minFreeBytes), minimum: 0))
        settings.maxTaskBytes = Int64(try layers.int(maxTaskBytes, "max-task-bytes", default: Int(settings.maxTaskBytes), minimum: 0))
        settings.idleTimeout = .seconds(try layers.int(idleTimeout, "idle-timeout", default: 30, minimum: 1))
        settings.bodyTimeout = .seconds(try layers.int(bodyTimeout, "body-timeout", default: 60, minimum: 1))
        settings.maxConnections = try layers.int(maxConnections, "max-connections", default: settings.maxConnections, minimum: 1)
        if !(try layers.bool(mediaInProcess, "media-in-process")) { settings.mediaWorker = URL(fileURLWithPath: "/proc/self/exe") }
        let limits = MediaWorkerLimits()
        settings.mediaLimits.addressSpace = UInt64(try layers.int(mediaMemoryLimit, "media-memory-limit", default: Int(limits.addressSpace), minimum: 64 << 20))
        settings.mediaLimits.fileSize = UInt64(try layers.int(mediaFileSizeLimit, "media-file-size-limit", default: Int(limits.fileSize), minimum: 1 << 20))
        settings.mediaLimits.deadlineBase = Double(try layers.int(mediaDeadlineBase, "media-deadline-base", default: Int(limits.deadlineBase), minimum: 1))
        settings.mediaLimits.deadlinePerSecond = Double(try layers.int(mediaDeadlinePerSecond, "media-deadline-per-second", default: Int(limits.deadlinePerSecond), minimum: 0))
        settings.media = try mediaOptions.settings(layers)
        settings.notifications = try notificationSettings(layers)
        settings.polling = try pollOptions.settings(layers)
        return settings
    }

    private func notificationSettings(_ layers: SettingLayers) throws -> NotificationSettings {
        var settings = NotificationSettings()
        do {
            settings.endpoints = try layers.list(notify, "notify").map(NotificationEndpoint.init(parsing:))
        } catch let error as NotificationError {
            throw ValidationError(error.description)
        }
        if let text = try layers.string(notifySecret, "notify-secret") {
            guard let secret = WebhookSignature.Secret(text) else { throw ValidationError("notify-secret must be whsec_ and Base64, or Base64 alone") }
            settings.secret = secret
        }
        if !settings.endpoints.isEmpty && settings.secret == nil {
            throw ValidationError("notify needs notify-secret: every event is signed (Standard Webhooks), so its receiver can tell it from a forgery")
        }
        settings.maxAttempts = try layers.int(notifyMaxAttempts, "notify-max-attempts", default: settings.maxAttempts, minimum: 1, maximum: 1000)
        settings.retryBase = .seconds(try layers.int(notifyRetryBaseSeconds, "notify-retry-base-seconds", default: 10, minimum: 0, maximum: 3600))
        settings.timeout = .seconds(try layers.int(notifyTimeout, "notify-timeout", default: 10, minimum: 1, maximum: 300))
        if let text = try layers.string(publicURL, "public-url") {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil, url.query == nil else {
                throw ValidationError("public-url must be an http(s)://host[:port][/path] URL (got \(text))")
            }
            settings.publicURL = url
        }
        return settings
    }

    private func logLevelSetting(_ layers: SettingLayers) throws -> Logger.Level {
        let text = try layers.string(logLevel, "log-level") ?? "info"
        guard let level = Logger.Level(rawValue: text) else {
            throw ValidationError("log-level must be trace, debug, info, notice, warning, error or critical (got \(text))")
        }
        return level
    }
}
