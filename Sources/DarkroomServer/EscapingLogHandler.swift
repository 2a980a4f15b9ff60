import DarkroomCore
import Logging

/// The service's log handler: another handler (the standard error stream) behind an escaping
/// step, so that every message and metadata value, wherever it was logged and whatever part of
/// it came from a caller, reaches the log as one line that cannot forge another.
public struct EscapingLogHandler: LogHandler {
    /// Holds no metadata of its own: it gets everything with each event, escaped.
    private let inner: any LogHandler
    public var logLevel: Logger.Level
    /// Kept here, not in `inner`: a handler may do work whenever its metadata changes
    /// (`StreamLogHandler` formats all of it again), and metadata changes with every request.
    public var metadata: Logger.Metadata = [:]

    public init(_ inner: any LogHandler) {
        var inner = inner
        logLevel = inner.logLevel
        metadata = inner.metadata
        inner.metadata = [:]
        self.inner = inner
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // The handler's own metadata (set through the subscript) is escaped here too.
        var merged = metadata
        if let metadata = event.metadata { merged.merge(metadata) { $1 } }
        if let error = event.error { merged["error"] = .string("\(error)") }
        var escaped = event
        escaped.message = "\(LogText.escaped(event.message.description, limit: 4096))"
        escaped.metadata = merged.mapValues(Self.escaped)
        escaped.error = nil
        inner.log(event: escaped)
    }

    private static func escaped(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(LogText.escaped(text))
        case .stringConvertible(let value): .string(LogText.escaped(value.description))
        case .array(let values): .array(values.map(escaped))
        case .dictionary(let values): .dictionary(values.mapValues(escaped))
        }
    }
}
