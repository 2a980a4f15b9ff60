import DarkroomCore
import DarkroomQueue
import Foundation
import Metrics
import Prometheus

/// The service's metrics, emitted through swift-metrics into a Prometheus registry of the
/// application's own (so two applications in one process, as in tests, never share counts),
/// and rendered in Prometheus' text format for `GET /metrics`.
///
/// - `darkroom_callbacks_total{outcome}`: applied, stale, repeated, unauthorized, bad_request,
///   unprocessable, too_large, unavailable, error.
/// - `darkroom_tasks{state}` and `darkroom_queue_depth` (queued jobs), read from the store at
///   each scrape.
/// - `darkroom_jobs_total{result}`: archived, retry, failed, released, lease_lost.
/// - `darkroom_stage_duration_seconds{stage}`: download and media stages, as a histogram.
/// - `darkroom_downloaded_bytes_total`, `darkroom_problems_total{kind}`.
/// - `darkroom_notifications_total{result}`: each attempt to post an event: delivered, retry,
///   failed (given up), gone (410).
/// - `darkroom_notifications_pending` and `darkroom_notifications_oldest_pending_seconds`: the
///   deliveries still to be made, and the age of the oldest event among them (0 when none), read
///   from the store at each scrape.
final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["darkroom_stage_duration_seconds"] =
            [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800].map { Duration.milliseconds(Int64($0 * 1000)) }
        self.factory = factory
    }

    func callback(_ outcome: String) {
        Counter(label: "darkroom_callbacks_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    func job(_ result: String) {
        Counter(label: "darkroom_jobs_total", dimensions: [("result", result)], factory: factory).increment()
    }

    func stage(_ stage: String, took duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Timer(label: "darkroom_stage_duration_seconds", dimensions: [("stage", stage)], factory: factory)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func notification(_ result: String) {
        Counter(label: "darkroom_notifications_total", dimensions: [("result", result)], factory: factory).increment()
    }

    /// A query to a provider: `applied`, `repeated` or `stale` (what its answer did), `refused`
    /// (an answer that was no help), `failed` (no answer), `given_up`.
    func poll(_ result: String) {
        Counter(label: "darkroom_polls_total", dimensions: [("result", result)], factory: factory).increment()
    }

    func downloaded(bytes: Int64) {
        Counter(label: "darkroom_downloaded_bytes_total", factory: factory).increment(by: bytes)
    }

    func problems(_ problems: [Problem]) {
        for problem in problems {
            Counter(label: "darkroom_problems_total", dimensions: [("kind", problem.kind.rawValue)], factory: factory).increment()
        }
    }

    /// The text for `GET /metrics`, with the task gauges set from `counts` first, and the
    /// archive's free bytes beside the reserve (downloads wait below it; the jobs that waited are
    /// `darkroom_jobs_total{result="no_space"}`).
    func render(counts: [TaskState: Int], backlog: OutboxBacklog, freeBytes: Int64?, minFreeBytes: Int64, now: Date = Date()) -> String {
        Gauge(label: "darkroom_notifications_pending", factory: factory).record(backlog.pending)
        Gauge(label: "darkroom_notifications_oldest_pending_seconds", factory: factory)
            .record(backlog.oldest.map { max(now.timeIntervalSince($0), 0) } ?? 0)
        if let freeBytes { Gauge(label: "darkroom_archive_free_bytes", factory: factory).record(freeBytes) }
        Gauge(label: "darkroom_archive_min_free_bytes", factory: factory).record(minFreeBytes)
        for state in TaskState.allCases {
            Gauge(label: "darkroom_tasks", dimensions: [("state", state.rawValue)], factory: factory).record(counts[state] ?? 0)
        }
        Gauge(label: "darkroom_queue_depth", factory: factory).record(counts[.queued] ?? 0)
        return registry.emitToString()
    }
}
