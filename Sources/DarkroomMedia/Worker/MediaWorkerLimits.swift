import Foundation

/// What one media child may use. A limit the kernel enforces (address space, CPU time, file
/// size) kills the child or fails its allocations; the deadline is the parent's: the child is
/// killed when it passes. The deadline is `deadlineBase` until the video is probed, then
/// `deadlineBase + deadlinePerSecond × duration`.
public struct MediaWorkerLimits: Sendable, Codable, Equatable {
    /// Address space, bytes (RLIMIT_AS). Default 8 GiB: FFmpeg's threads and glibc's arenas
    /// reserve far more address space than they touch.
    public var addressSpace: UInt64 = 8 << 30
    /// Largest file the child may write, bytes (RLIMIT_FSIZE). Default 16 GiB.
    public var fileSize: UInt64 = 16 << 30
    public var deadlineBase: Double = 120
    public var deadlinePerSecond: Double = 10

    public init() {}

    /// The deadline for media of `duration` seconds (unknown: the base alone).
    public func deadline(forDuration duration: Double?) -> Double {
        guard let duration, duration.isFinite, duration > 0 else { return deadlineBase }
        return deadlineBase + deadlinePerSecond * min(duration, 24 * 3600)
    }

    /// CPU seconds (RLIMIT_CPU): as much as every core could use until `deadline`.
    public func cpuSeconds(deadline: Double) -> UInt64 {
        UInt64(max(1, (deadline * Double(ProcessInfo.processInfo.activeProcessorCount)).rounded(.up)))
    }

    /// Applies the kernel's limits to this process (the child, before any work).
    public func apply(deadline: Double) -> String? {
        for (resource, value, name) in [
            (RLIMIT_AS, addressSpace, "address space"), (RLIMIT_FSIZE, fileSize, "file size"), (RLIMIT_CPU, cpuSeconds(deadline: deadline), "CPU time"),
        ] {
            var limit = rlimit(rlim_cur: rlim_t(value), rlim_max: rlim_t(value))
            if setrlimit(__rlimit_resource_t(resource.rawValue), &limit) != 0 {
                return "cannot set the \(name) limit: \(String(cString: strerror(errno)))"
            }
        }
        return nil
    }
}
