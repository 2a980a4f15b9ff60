@testable import DarkroomArchive
import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

/// The index file's contract: `shared/examples/index.json` names the fields users rely on, and
/// `docs/index.schema.json` must describe every one of them with the same type.
@Suite struct IndexSchemaTests {
    @Test func theSchemaDescribesEveryFieldOfTheDesignExample() async throws {
        // A copy of `shared/examples/index.json`, which lives outside the repository.
        let example = RepositoryFiles.root.appendingPathComponent("Tests/DarkroomArchiveTests/Fixtures/design-index-example.json")
        let violations = try await jsonSchemaViolations(of: example)
        // The example abbreviates hashes ("3b1e…") and leaves out fields Darkroom adds
        // (`folder`, `tiles`, each asset's `problems`): those are the only differences allowed.
        let unexpected = violations.filter { !$0.hasPrefix("required ") && !($0.hasPrefix("pattern ") && $0.contains("sha256")) }
        #expect(unexpected == [], "\(violations)")
        #expect(violations.contains { $0.hasPrefix("required $: 'folder'") }, "the check can see a difference: \(violations)")
    }

    @Test func indexTimesAreRFC3339WithMilliseconds() throws {
        let event = CallbackEvent(taskID: "t", shape: .legacy, status: .succeeded, statusSpelling: "succeed",
                                  createdAt: Date(timeIntervalSince1970: 1_763_702_400))
        let index = TaskIndex(
            task: TaskInfo(event: event), folder: "2025/11/21/t", receivedAt: Date(timeIntervalSince1970: 1_763_702_532.53),
            archivedAt: Date(timeIntervalSince1970: 1_763_702_536.874), history: [],
            callback: StoredFile(path: "callback.json", bytes: 1, sha256: String(repeating: "a", count: 64)), videos: [], images: [])
        let data = try IndexCoding.encoder(pretty: false).encode(index)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""created_at":"2025-11-21T05:20:00.000Z""#), "\(text)")
        #expect(text.contains(#""received_at":"2025-11-21T05:22:12.530Z""#), "\(text)")
        let back = try IndexCoding.decoder().decode(TaskIndex.self, from: data)
        #expect(back.task == index.task)
        #expect(abs(back.archivedAt.timeIntervalSince(index.archivedAt)) < 0.001)
    }

    /// Every millisecond of a second survives the trip from a callback's integer milliseconds to
    /// the index's text, and times before 1970 too.
    @Test func millisecondsAreNeverPrintedOneEarly() {
        for millisecond in 0..<1000 {
            let date = Date(timeIntervalSince1970: Double(1_763_702_532_000 + millisecond) / 1000)
            #expect(IndexCoding.timestamp(date) == String(format: "2025-11-21T05:22:12.%03dZ", millisecond))
        }
        #expect(IndexCoding.timestamp(Date(timeIntervalSince1970: -0.25)) == "1969-12-31T23:59:59.750Z")
    }

    @Test func theVerdictFollowsTheWorstSeverity() {
        #expect(Verdict(problems: []) == .ok)
        let warning = Problem(.durationMismatch, severity: .warning, asset: "videos/a", "off by 2 s")
        let error = Problem(.downloadFailed, asset: "images/0", "HTTP 404")
        #expect(Verdict(problems: [warning]) == .warning)
        #expect(Verdict(problems: [warning, error]) == .failed)
    }
}
