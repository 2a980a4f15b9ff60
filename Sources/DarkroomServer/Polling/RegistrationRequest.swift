import DarkroomCore
import DarkroomQueue
import Foundation

/// The body of `POST /v1/tasks` (`{"task_id", "provider"?, "action"?, "tags"?, "poll_url"?}`),
/// checked as a callback's parts are: every value from outside is hostile until it is. The
/// provider is Kling when not given.
public enum RegistrationRequest {
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    private struct Body: Decodable {
        var taskID: String
        var provider: String?
        var action: String?
        var tags: [String: String]?
        var pollURL: String?

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case provider, action, tags
            case pollURL = "poll_url"
        }
    }

    public static func parse(_ data: Data) throws(Refusal) -> Registration {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch {
            throw Refusal(description: #"the body must be {"task_id": string, "provider"?: string, "action"?: string, "tags"?: {string: string}, "poll_url"?: string}"#)
        }
        let task = TaskKey(provider: body.provider ?? Kling.name, id: body.taskID)
        return try check(Registration(task: task, action: body.action, url: body.pollURL, tags: body.tags ?? [:]))
    }

    /// The registration when each of its parts is one Darkroom takes.
    public static func check(_ registration: Registration) throws(Refusal) -> Registration {
        let id = registration.task.id
        guard !id.isEmpty, id.unicodeScalars.count <= 1024, !id.unicodeScalars.contains("\0") else {
            throw Refusal(description: "task_id must be 1 to 1,024 characters, none of them NUL")
        }
        guard Providers.named(registration.task.provider) != nil else {
            throw Refusal(description: "provider must be one Darkroom knows: \(Providers.all.keys.sorted().joined(separator: ", "))")
        }
        if let action = registration.action, !PollSettings.isAction(action) {
            throw Refusal(description: "action must be 1 to 64 letters, digits, - or _ (text2video, image2video, …)")
        }
        if let url = registration.url {
            guard url.unicodeScalars.count <= 8192, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                  parsed.host?.isEmpty == false else {
                throw Refusal(description: "poll_url must be an http(s) URL (with {task_id} and {action} where they go)")
            }
        }
        guard registration.tags.count <= 20,
              registration.tags.allSatisfy({
                  (1...64).contains($0.key.unicodeScalars.count) && $0.value.unicodeScalars.count <= 256 && !$0.key.contains(":")
                      && !($0.key + $0.value).unicodeScalars.contains("\0") })
        else {
            throw Refusal(description: "tags: at most 20, each key 1 to 64 characters without ':', each value at most 256 characters, no NUL")
        }
        return registration
    }
}
