import DarkroomArchive
import DarkroomCore
import DarkroomFetch
import DarkroomMedia
import DarkroomQueue
import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// Settings that must not run (see `ServerSettings.unsafeReason`), or a data folder or an
/// archive that cannot be used.
public struct ServerStartError: Error, CustomStringConvertible {
    public let description: String
    /// The settings are wrong (exit 64), rather than something they name failing (exit 1).
    public var isUsage = true
}

/// The service: the HTTP API on `settings.host:settings.port` and the archive workers, over the
/// task store `settings.store` chooses (the SQLite file `<data>/darkroom.sqlite` by default, or
/// a PostgreSQL database shared with other processes) and the archive `settings.archive` chooses (a folder,
/// `<data>/archive` by default, or a bucket), which must take a write before the service starts.
/// `onListening` is told the port once the server listens (useful with port 0).
public func buildApplication(
    settings: ServerSettings, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    if let reason = settings.unsafeReason { throw ServerStartError(description: reason) }
    for warning in settings.warnings { logger.warning("\(warning)") }
    do {
        try Folder.make(settings.data)
    } catch {
        throw ServerStartError(description: "the data folder cannot be used: \(error)")
    }
    let store: any TaskStore
    do {
        store = try await settings.store.open(logger: logger)
    } catch {
        throw ServerStartError(description: "the task store \(settings.store.database) cannot be used: \(error.reason)", isUsage: false)
    }
    let archive: any ArchiveStore
    do {
        archive = try settings.archive.open(data: settings.data)
    } catch {
        throw ServerStartError(description: "the archive \(settings.archive.archive ?? "folder") cannot be used: \(error)")
    }
    do {
        try await archive.checkWritable()
    } catch {
        throw ServerStartError(description: "the archive \(archive.location) cannot be written: \(error)", isUsage: false)
    }
    let doorbell = Doorbell()
    let metrics = ServiceMetrics()
    let eventBell = Doorbell()
    let router = buildRouter(store: store, archive: archive, settings: settings, doorbell: doorbell, eventBell: eventBell, metrics: metrics, logger: logger)
    let archiver = TaskArchiver(
        archive: archive,
        fetcher: Fetcher(options: FetchOptions(
            deadline: settings.downloadDeadline, addressPolicy: AddressPolicy(allowPrivate: settings.allowPrivate), caBundle: settings.caBundle)),
        media: settings.mediaWorker.map { MediaWorkerProcess(executable: $0, settings: settings.media, limits: settings.mediaLimits) }
            ?? InProcessMedia(MediaProcessor(settings: settings.media)),
        minFreeBytes: settings.minFreeBytes, maxTaskBytes: settings.maxTaskBytes)
    archiver.removeAbandonedStaging()
    let workers = ArchiveWorkers(store: store, archiver: archiver, settings: settings, doorbell: doorbell,
                                 events: TaskEvents(settings: settings.notifications), eventBell: eventBell, metrics: metrics, logger: logger)
    // Only a process that can sign sends; one without the secret leaves the outbox to others.
    let sender = settings.notifications.secret.map { _ in
        NotificationSender(store: store, settings: settings.notifications, bell: eventBell, metrics: metrics, logger: logger)
    }
    let poller = settings.polling.urlTemplate.map { _ in
        Poller(store: store, settings: settings.polling, events: TaskEvents(settings: settings.notifications), jobBell: doorbell, metrics: metrics,
               logger: logger, addressPolicy: AddressPolicy(allowPrivate: settings.allowPrivate), caBundle: settings.caBundle)
    }
    var server: HTTPServerBuilder = .http1(configuration: .init(
        additionalChannelHandlers: [RequestDeadline(timeout: .init(settings.bodyTimeout))],
        idleTimeout: .init(settings.idleTimeout)))
    if let tls = settings.tls {
        server = try ServerTLS.builder(server, certificate: tls.certificate, key: tls.key)
    }
    return Application(
        responder: UnknownMethod(router: router.buildResponder()),
        server: server,
        configuration: .init(
            address: .hostname(settings.host, port: settings.port), serverName: "darkroom",
            availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections)),
        services: [TaskStoreService(store: store, doorbell: doorbell)] + (settings.downloadWorkers + settings.mediaWorkers > 0 ? [workers] : [])
            + (sender.map { [$0] } ?? []) + (poller.map { [$0] } ?? []),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? settings.port) },
        logger: logger)
}

/// The routes of DESIGN.md's HTTP API. The routes that read the archive or change a task sit in
/// a group behind `AdminAccess` and `CrossSiteGuard`, so access is decided by the route that
/// answers, whatever spelling of the path led the router there.
func buildRouter(
    store: any TaskStore, archive: any ArchiveStore, settings: ServerSettings, doorbell: Doorbell, eventBell: Doorbell, metrics: ServiceMetrics,
    logger: Logger
) -> Router<DarkroomRequestContext> {
    let router = Router(context: DarkroomRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestLog())
    router.add(middleware: SecurityHeaders())
    let callers = CallerCheck(secrets: settings.webhookSecrets, tokens: settings.tokens)
    CallbackController(store: store, callers: callers, bodyLimit: settings.bodyLimit, doorbell: doorbell,
                       events: TaskEvents(settings: settings.notifications), eventBell: eventBell, metrics: metrics, logger: logger)
        .addRoutes(to: router)
    HealthController(
        store: store, archive: archive, metrics: metrics, minFreeBytes: settings.minFreeBytes, readinessInterval: settings.readinessInterval).addRoutes(to: router)
    OpenAPIDocument.addRoute(to: router)

    let admin = router.group()
        .add(middleware: AdminAccess(tokens: settings.adminTokens, secureCookie: settings.secureCookie))
        .add(middleware: CrossSiteGuard())
    TaskController(store: store, archive: archive, doorbell: doorbell).addRoutes(to: admin)
    FileController(store: store, archive: archive).addRoutes(to: admin)
    TarballController(store: store, archive: archive).addRoutes(to: admin)
    EventController(store: store, eventBell: eventBell).addRoutes(to: admin)
    GalleryController(store: store, archive: archive, doorbell: doorbell).addRoutes(to: admin)
    return router
}
