import DarkroomCore
import Logging

/// The service's log handler: another handler (the standard error stream) behind an escaping
/// step, so that every message and metadata value, wherever it was logged and whatever part of
/// it came from a caller, reaches the log as one line that cannot forge another.
public struct EscapingLogHandler: LogHandler {
    private var inner: any LogHandler

    public init(_ inner: any LogHandler) {
        self.inner = inner
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        // The handler's own metadata (set through the subscript) is escaped here too.
        var merged = inner.metadata
        if let metadata = event.metadata { merged.merge(metadata) { $1 } }
        if let error = event.error { merged["error"] = .string("\(error)") }
        var escaped = event
        escaped.message = "\(LogText.escaped(event.message.description, limit: 4096))"
        escaped.metadata = merged.mapValues(Self.escaped)
        escaped.error = nil
        var copy = inner
        copy.metadata = [:]
        copy.log(event: escaped)
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
