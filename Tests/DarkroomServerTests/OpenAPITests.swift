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
        let clip = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
        let media = try TestHTTPServer { request in .file(clip, for: request, contentType: "video/mp4") }
        let settings = try testSettings("openapi") {
            $0.downloadWorkers = 1
            $0.mediaWorkers = 1
            $0.tokens = ["t"]
        }
        let folder = try makeTemporaryFolder("openapi-answers")
        let body = Data("""
            {"task_id": "api-1", "task_status": "succeed", "created_at": 1763702400000, "updated_at": 1763702460000,
             "task_result": {"videos": [{"id": "v", "url": "\(media.url("clip.mp4").absoluteString)", "duration": "2"}]}}
            """.utf8)
        let checks: [(schema: String, file: URL)] = try await withRouter(settings) { client in
            let document = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(document.status == .ok)
            try Data(buffer: document.body).write(to: folder.appendingPathComponent("openapi.yaml"))

            var answers: [(String, TestResponse)] = []
            answers.append(("CallbackAnswer", try await client.postCallback(body, query: "?token=t&project=summer")))
            answers.append(("Error", try await client.postCallback(body)))
            answers.append(("Error", try await client.postCallback(Data("{".utf8), query: "?token=t")))
            try await waitUntil("the task is archived", timeout: .seconds(60)) {
                try await client.execute(uri: "/v1/tasks/api-1", method: .get).json?["state"] as? String == "archived"
            }
            _ = try await client.postCallback(try RepositoryFiles.sampleCallback("legacy-failed.json"), query: "?token=t")
            answers.append(("TaskDocument", try await client.execute(uri: "/v1/tasks/api-1", method: .get)))
            answers.append(("TaskList", try await client.execute(uri: "/v1/tasks?limit=1", method: .get)))
            answers.append(("TaskList", try await client.execute(uri: "/v1/tasks?state=archived&tag=project:summer", method: .get)))
            answers.append(("Error", try await client.execute(uri: "/v1/tasks/api-1/retry", method: .post)))
            answers.append(("Error", try await client.execute(uri: "/v1/tasks/nobody", method: .get)))
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
