import DarkroomCore
import Foundation
import GRDB

// How the task store's rows are read into the Core types: times as integer milliseconds (UTC),
// tags and headers as JSON text, bodies as blobs. Rows are written with explicit SQL.

extension TaskRecord: FetchableRecord, TableRecord {
    public static let databaseTableName = "tasks"

    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .millisecondsSince1970
    }
}

extension StoredCallback: FetchableRecord, TableRecord {
    public static let databaseTableName = "callbacks"

    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .millisecondsSince1970
    }
}
