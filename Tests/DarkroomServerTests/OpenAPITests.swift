import DarkroomServer
import DarkroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/openapi.yaml` is a valid OpenAPI 3.1 document (by `openapi-spec-validator`), and real
/// answers of every JSON route match its schemas (by `jsonschema`).
@Suite struct OpenAPITests {
    @Test func realResponsesMatchTheDocument() async throws {
        let media = try await clipServer()
        let settings = try archivingSettings("openapi") { $0.tokens = ["t"] }
        let folder = try makeTemporaryFolder("openapi-answers")
        let body = videoCallback(taskID: "api-1", url: media.url("clip.mp4"))
        let checks: [(schema: String, file: URL)] = try await withRouter(settings) { client in
            let document = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(document.status == .ok)
            try Data(buffer: document.body).write(to: folder.appendingPathComponent("openapi.yaml"))

            var answers: [(String, TestResponse)] = []
            answers.append(("CallbackAnswer", try await client.archive(body, id: "api-1", query: "?token=t&project=summer")))
            answers.append(("Error", try await client.postCallback(body)))
            answers.append(("Error", try await client.postCallback(Data("{".utf8), query: "?token=t")))
            _ = try await client.postCallback(try RepositoryFiles.sampleCallback("legacy-failed.json"), query: "?token=t")
            answers.append(("TaskDocument", try await client.execute(uri: "/v1/tasks/api-1", method: .get)))
            answers.append(("TaskList", try await client.execute(uri: "/v1/tasks?limit=1", method: .get)))
            answers.append(("TaskList", try await client.execute(uri: "/v1/tasks?state=archived&tag=project:summer", method: .get)))
            answers.append(("Error", try await client.execute(uri: "/v1/tasks/api-1/retry", method: .post)))
            answers.append(("Error", try await client.execute(uri: "/v1/tasks/nobody", method: .get)))
            let events = try await client.execute(uri: "/v1/events?limit=1", method: .get)
            answers.append(("EventList", events))
            let eventID = try #require((events.json?["events"] as? [[String: Any]])?.first?["id"] as? String)
            answers.append(("Error", try await client.execute(uri: "/v1/events/\(eventID)/redeliver", method: .post)))
            answers.append(("Error", try await client.execute(uri: "/v1/events?after=x", method: .get)))
            answers.append(("Status", try await client.execute(uri: "/healthz", method: .get)))
            answers.append(("Status", try await client.execute(uri: "/readyz", method: .get)))
            #expect(answers[3].1.json?["index"] != nil, "the archived task carries its index")
            return try answers.enumerated().map { n, answer in
                let file = folder.appendingPathComponent("answer-\(n).json")
                try Data(buffer: answer.1.body).write(to: file)
                return (answer.0, file)
            }
        }
        let script = """
            import json, sys, yaml, jsonschema
            from openapi_spec_validator import validate
            spec = yaml.safe_load(open(sys.argv[1]))
            validate(spec)
            for pair in sys.argv[2:]:
                name, path = pair.split("=", 1)
                schema = {"$ref": "#/components/schemas/" + name, "components": spec["components"]}
                for error in jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(path))):
                    print(f"{name} {path}: {error.json_path}: {error.message}")
            """
        let result = try await runCommand(RepositoryFiles.python, ["-c", script, folder.appendingPathComponent("openapi.yaml").path]
                                              + checks.map { "\($0.schema)=\($0.file.path)" })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "", "\(result.stdout)")
    }
}
