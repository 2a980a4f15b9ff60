import DarkroomCore

/// The paths of a task's pages, API resources and files: the id as one percent-encoded segment,
/// and `?provider=` for a task that is not Kling's (Kling's links are those it always had).
enum TaskLinks {
    /// The gallery's page of the task, with `query` (already encoded) when given.
    static func page(_ task: TaskKey, query: String? = nil) -> String {
        "/tasks/" + HTML.segment(task.id) + parameters(task, query)
    }

    /// Where the gallery's retry button posts.
    static func retry(_ task: TaskKey) -> String {
        "/tasks/" + HTML.segment(task.id) + "/retry" + parameters(task, nil)
    }

    /// `GET /v1/tasks/{id}`.
    static func api(_ task: TaskKey) -> String {
        "/v1/tasks/" + HTML.segment(task.id) + parameters(task, nil)
    }

    /// `GET /v1/tasks/{id}/files.tar`: every file of the task in one download.
    static func tarball(_ task: TaskKey) -> String {
        "/v1/tasks/" + HTML.segment(task.id) + "/files.tar" + parameters(task, nil)
    }

    /// `GET /v1/tasks/{id}/files/{path}`, each part of `path` a segment, with `query` when given.
    static func file(_ task: TaskKey, path: String, query: String? = nil) -> String {
        "/v1/tasks/" + HTML.segment(task.id) + "/files/" + path.split(separator: "/").map { HTML.segment(String($0)) }.joined(separator: "/")
            + parameters(task, query)
    }

    private static func parameters(_ task: TaskKey, _ query: String?) -> String {
        // A provider's name is a-z, 0-9 and -: nothing in it needs encoding.
        let all = (task.provider == Kling.name ? [] : ["provider=" + task.provider]) + [query].compactMap { $0 }
        return all.isEmpty ? "" : "?" + all.joined(separator: "&")
    }
}
