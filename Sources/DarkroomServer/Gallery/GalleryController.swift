import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation
import Hummingbird

/// The gallery for people: `GET /` (a grid of tasks, newest first, with posters, verdict badges
/// and problems in words, filtered by state, verdict and tag, paged) and `GET /tasks/{id}` (the
/// player, thumbnails, duration check, probe facts, files, history; a retry button for a failed
/// job). Served to whoever may read the API (`AdminAccess`).
struct GalleryController: Sendable {
    let store: any TaskStore
    let archive: any ArchiveStore
    let doorbell: Doorbell

    func addRoutes(to router: some RouterMethods<DarkroomRequestContext>) {
        router.get("/") { request, _ in try await index(request) }
        router.get("/tasks/:id") { request, context in try await task(try context.task(request), request) }
        router.post("/tasks/:id/retry") { request, context in try await retry(try context.task(request)) }
        MethodNotAllowed.add(to: router, "/", allowed: [.get])
        MethodNotAllowed.add(to: router, "/tasks/:id", allowed: [.get])
        MethodNotAllowed.add(to: router, "/tasks/:id/retry", allowed: [.post])
    }

    func index(_ request: Request) async throws -> Response {
        let get = { (name: String) throws in try request.singleParameter(name) }
        var query = try TaskQuery(parameters: get)
        if try get("limit") == nil { query.limit = 24 }
        let page: TaskPage
        do {
            page = try await store.tasks(query)
        } catch {
            throw error.httpError
        }
        var cards: [String] = []
        for task in page.tasks {
            let index: TaskIndex? = if let folder = task.folder { try? await archive.index(of: folder) } else { nil }
            cards.append(TaskCard(task: task, index: index).html)
        }
        var body = "<h1>Archive</h1>" + filterForm(query, tag: try get("tag") ?? "")
        body += cards.isEmpty ? "<p class=\"muted\">No task matches.</p>" : "<div class=\"grid\">\(cards.joined())</div>"
        if let next = page.nextCursor {
            var parameters = ["cursor=\(next.text)"]
            for name in ["provider", "state", "verdict", "tag"] {
                if let value = try get(name), !value.isEmpty { parameters.append("\(name)=\(HTML.queryValue(value))") }
            }
            body += "<p><a rel=\"next\" href=\"/?\(HTML.escape(parameters.joined(separator: "&")))\">Older tasks →</a></p>"
        }
        return HTML.page(title: "Archive", body: body, mediaOrigin: archive.browserOrigin)
    }

    private func filterForm(_ query: TaskQuery, tag: String) -> String {
        func select(_ name: String, _ values: [String], _ chosen: String?) -> String {
            let options = ([""] + values).map { value in
                "<option value=\"\(value)\"\(value == (chosen ?? "") ? " selected" : "")>\(value.isEmpty ? "any \(name)" : value)</option>"
            }
            return "<select name=\"\(name)\" aria-label=\"\(name)\">\(options.joined())</select>"
        }
        return """
            <form class="filters" method="get" action="/">\(select("state", TaskState.allCases.map(\.rawValue), query.state?.rawValue))\
            \(select("verdict", Verdict.allCases.map(\.rawValue), query.verdict?.rawValue))\
            <input name="tag" placeholder="tag key:value" value="\(HTML.escape(tag))"><button>Filter</button></form>
            """
    }

    func task(_ key: TaskKey, _ request: Request) async throws -> Response {
        let page = try HistoryPageRequest(parameters: { try request.singleParameter($0) })
        let record: TaskRecord?
        let history: HistoryPage
        let events: [EventRecord]
        do {
            record = try await store.task(key)
            history = try await store.history(key, after: page.cursor, limit: page.limit)
            events = try await store.events(task: key)
        } catch {
            throw error.httpError
        }
        guard let record else {
            return HTML.page(title: "Not found", body: "<h1>No task \(HTML.escape(key.description))</h1><p><a href=\"/\">The archive</a></p>", status: .notFound)
        }
        let index: TaskIndex? = if let folder = record.folder { try? await archive.index(of: folder) } else { nil }
        return HTML.page(title: key.description, body: TaskView(task: record, history: history, index: index, events: events).html, mediaOrigin: archive.browserOrigin)
    }

    func retry(_ key: TaskKey) async throws -> Response {
        do {
            if try await store.retry(key, now: Date())?.retried == true { doorbell.ring() }
        } catch {
            throw error.httpError
        }
        return Response(status: .seeOther, headers: [.location: TaskLinks.page(key)])
    }
}
