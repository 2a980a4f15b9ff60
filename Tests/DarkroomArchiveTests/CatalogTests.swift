@testable import DarkroomArchive
import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

@Suite struct CatalogTests {
    let layout: ArchiveLayout

    init() throws {
        layout = ArchiveLayout(data: try makeTemporaryFolder("catalog"))
        try Folder.make(layout.root)
    }

    private func entry(_ id: String, provider: String = "kling", folder: String? = nil, verdict: Verdict = .ok) -> CatalogEntry {
        let event = CallbackEvent(provider: provider, taskID: id, shape: .new, status: .succeeded, statusSpelling: "succeeded")
        let index = TaskIndex(
            task: TaskInfo(event: event), folder: folder ?? "2025/11/21/\(id)",
            receivedAt: Date(timeIntervalSince1970: 1_763_702_532.530), archivedAt: Date(timeIntervalSince1970: 1_763_702_536.874),
            history: [], callback: StoredFile(path: "callback.json", bytes: 2, sha256: String(repeating: "0", count: 64)),
            videos: [], images: [])
        var entry = CatalogEntry(index: index)
        entry.verdict = verdict
        return entry
    }

    private func lines() throws -> [String] {
        try String(contentsOf: layout.catalog, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func newTasksAreAppendedOneLineEach() throws {
        let catalog = Catalog(layout: layout)
        try catalog.record(entry("a"))
        try catalog.record(entry("b"))
        #expect(try lines().count == 3, "two lines and the final newline")
        #expect(try catalog.read().entries.map(\.taskID) == ["a", "b"])
        let first = try lines()[0]
        #expect(first.hasPrefix(#"{"archived_at":"2025-11-21T05:22:16.874Z","bytes":2,"#), "\(first)")
    }

    /// Two providers' tasks with one id are two lines; a line written before there were
    /// providers is Kling's, and Kling's task archived again replaces it.
    @Test func aLineIsATasksOfOneProvider() throws {
        let catalog = Catalog(layout: layout)
        try catalog.write([entry("t1")].map { var old = $0; old.provider = nil; return old })
        #expect(try lines()[0].contains(#""provider""#) == false, "as the darkroom before providers wrote it")
        try catalog.record(entry("t1", provider: "gateway", folder: "2025/11/21/gateway@t1"))
        #expect(try catalog.read().entries.map(\.key) == [kling("t1"), TaskKey(provider: "gateway", id: "t1")])
        try catalog.record(entry("t1", verdict: .warning))
        let entries = try catalog.read().entries
        #expect(entries.map(\.key) == [TaskKey(provider: "gateway", id: "t1"), kling("t1")], "Kling's line replaced, the gateway's kept")
        #expect(entries.last?.verdict == .warning && entries.last?.provider == "kling")
    }

    @Test func aTaskArchivedAgainReplacesItsLine() throws {
        let catalog = Catalog(layout: layout)
        try catalog.record(entry("a"))
        try catalog.record(entry("b"))
        try catalog.record(entry("a", verdict: .failed))
        let read = try catalog.read()
        #expect(read.entries.map(\.taskID) == ["b", "a"])
        #expect(read.entries.last?.verdict == .failed)
        #expect(read.unreadable == 0)
    }

    /// A line torn by a crash in the middle of an append is dropped by the next write, and the
    /// new line starts on a line of its own.
    @Test func aTornLastLineIsRepairedByTheNextWrite() throws {
        let catalog = Catalog(layout: layout)
        try catalog.record(entry("a"))
        let handle = try FileHandle(forWritingTo: layout.catalog)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"task_id":"half"#.utf8))
        try handle.close()
        #expect(try catalog.read().unreadable == 1)
        try catalog.record(entry("b"))
        let read = try catalog.read()
        #expect(read.entries.map(\.taskID) == ["a", "b"])
        #expect(read.unreadable == 0)
    }

    @Test func aMissingCatalogReadsAsEmpty() throws {
        let read = try Catalog(layout: layout).read()
        #expect(read.entries.isEmpty && read.unreadable == 0)
    }
}
