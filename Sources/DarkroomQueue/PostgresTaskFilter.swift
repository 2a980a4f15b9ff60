import PostgresNIO

/// The SQL of a `TaskQuery` on PostgreSQL: every value bound, never spliced into the text.
enum PostgresTaskFilter {
    static func query(_ query: TaskQuery) -> PostgresQuery {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let provider = query.provider { conditions.append("provider = \(bind(provider))") }
        if let state = query.state { conditions.append("state = \(bind(state.rawValue))") }
        if let verdict = query.verdict { conditions.append("verdict = \(bind(verdict.rawValue))") }
        if let tag = query.tag { conditions.append("tags ->> \(bind(tag.key)) = \(bind(tag.value))") }
        if let after = query.createdAfter { conditions.append("created_at > \(bind(after.millisecondsSince1970))") }
        if let before = query.createdBefore { conditions.append("created_at < \(bind(before.millisecondsSince1970))") }
        if let cursor = query.cursor {
            let seen = bind(cursor.firstSeenAt)
            conditions.append("(first_seen_at, provider, id) < (\(seen), \(bind(cursor.task.provider)), \(bind(cursor.task.id)))")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limit = bind(query.limit)
        return PostgresQuery(
            unsafeSQL: "SELECT \(PostgresRows.taskColumns) FROM tasks \(filter) ORDER BY first_seen_at DESC, provider DESC, id DESC LIMIT \(limit)", binds: binds)
    }
}
