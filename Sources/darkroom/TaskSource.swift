import ArgumentParser
import DarkroomArchive
import DarkroomCore
import DarkroomFetch
import DarkroomQueue
import DarkroomServer
import Foundation
import Logging

/// Where the task commands read: the store and archive directly (`--data`, `--database`,
/// `--archive`), or a running server's API (`--server`, with an admin token). Either way the
/// answer is the API's JSON, so both print the same.
struct TaskSource: ParsableArguments {
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var databaseOptions: DatabaseOptions
    @OptionGroup var archiveOptions: ArchiveOptions

    @Option(help: ArgumentHelp("Ask a running darkroom serve instead of reading the store.", valueName: "http(s)://host[:port]"))
    var server: String?

    @Option(help: ArgumentHelp("With --server: an admin token of that server. Default: $DARKROOM_ADMIN_TOKEN (the first).", valueName: "token"))
    var adminToken: String?

    /// `GET /v1/tasks?<parameters>`, as JSON.
    func list(_ parameters: [String: String]) async throws -> Data {
        if let server { return try await ask(server, "/v1/tasks", parameters) ?? Data() }
        return try await local(archive: false) { documents in try await documents.list(parameters) }
    }

    /// `GET /v1/tasks/{id}?provider=`, as JSON; nil for a task never seen.
    func show(_ key: TaskKey) async throws -> Data? {
        let segment = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/;"))
        if let server {
            return try await ask(server, "/v1/tasks/" + (key.id.addingPercentEncoding(withAllowedCharacters: segment) ?? key.id), ["provider": key.provider])
        }
        return try await local(archive: true) { documents in try await documents.show(key) }
    }

    /// `POST /v1/tasks`: the task as JSON, and whether it was registered now (false: known already).
    func register(_ registration: Registration) async throws -> (document: Data, created: Bool) {
        if let server {
            var body: [String: Any] = ["task_id": registration.task.id, "provider": registration.task.provider, "tags": registration.tags]
            if let action = registration.action { body["action"] = action }
            if let url = registration.url { body["poll_url"] = url }
            let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            guard let (status, answer) = try await exchange(server, "POST", "/v1/tasks", [:], body: json) else { throw fail("\(server) has no /v1/tasks") }
            return (answer, status == 201)
        }
        return try await local(archive: false) { documents in try await documents.register(registration) }
    }

    /// `body` on the store, and the archive when `archive` asks for it and there is one.
    private func local<T: Sendable>(archive wanted: Bool, _ body: @escaping @Sendable (TaskDocuments) async throws -> T) async throws -> T {
        let settings = try databaseOptions.existing(data: dataOptions)
        let archive = wanted ? try? archiveOptions.existing(dataOptions) : nil
        do {
            return try await settings.withStore(logger: Logger(label: "darkroom")) { store in try await body(TaskDocuments(store: store, archive: archive)) }
        } catch let error as StoreError {
            throw fail(error)
        } catch let error as TaskDocuments.BadQuery {
            throw ValidationError(error.description)
        }
    }

    private func ask(_ server: String, _ path: String, _ parameters: [String: String]) async throws -> Data? {
        try await exchange(server, "GET", path, parameters, body: nil)?.body
    }

    /// The server's 2xx answer (status and body), nil for a 404; any other answer fails the command.
    private func exchange(_ server: String, _ method: String, _ path: String, _ parameters: [String: String], body: Data?) async throws -> (status: Int, body: Data)? {
        guard var components = URLComponents(string: server), ["http", "https"].contains(components.scheme ?? ""), components.host != nil else {
            throw ValidationError("--server must be an http(s)://host[:port] URL (got \(server))")
        }
        components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + path
        components.queryItems = parameters.isEmpty ? nil : parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let token = adminToken ?? ProcessInfo.processInfo.environment["DARKROOM_ADMIN_TOKEN"]?
            .split(whereSeparator: { $0 == " " || $0 == "," }).first.map(String.init)
        let url = components.string ?? server
        let outcome = await HTTPExchange(timeout: .seconds(30)).perform(method, url, headers: token.map { ["Authorization: Bearer \($0)"] } ?? [],
                                                                      body: body, answerLimit: 64 << 20)
        switch outcome {
        case .transportFailed(let reason):
            throw fail("\(server): \(reason)")
        case .answered(404, _, _):
            return nil
        case .answered(let status, let body, _) where (200..<300).contains(status):
            return (status, body)
        case .answered(let status, let body, _):
            let message = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]).flatMap { ($0["error"] as? [String: Any])?["message"] as? String }
            throw fail("\(server) answered \(status)\(message.map { ": \(LogText.escaped($0))" } ?? "")\(status == 401 ? " (give --admin-token or $DARKROOM_ADMIN_TOKEN)" : "")")
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
