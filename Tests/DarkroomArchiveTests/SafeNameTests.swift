@testable import DarkroomArchive
import DarkroomCore
import Foundation
import Testing

@Suite struct SafeNameTests {
    @Test(arguments: ["CjhGRWdYqgAAAAAAXyZc8Q", "913827032734642185", "b3ad4c2e-0a41-4d3c-9a25-6f2b1e0c7d11", "a.b_c-d", "x..y",
                      String(repeating: "a", count: 128)])
    func safeIDsAreKept(id: String) {
        #expect(SafeName.pathComponent(for: id) == id)
    }

    @Test(arguments: ["../../etc", "..", ".", ".hidden", "a/b", "/abs", "", String(repeating: "a", count: 129),
                      String(repeating: "x", count: 300), "видео", "a b", "a\u{0}b", "a\\b", "~root", "@abc"])
    func otherIDsGetAHashName(id: String) {
        let name = SafeName.pathComponent(for: id)
        #expect(name.hasPrefix("@"))
        #expect(name.count == 33)
        #expect(name.dropFirst().allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(name == SafeName.pathComponent(for: id), "the same id always gets the same name")
    }

    @Test func hashNamesOfDifferentIDsDiffer() {
        let names = Set(["..", "../..", "a/b", "a\\b", ""].map(SafeName.pathComponent(for:)))
        #expect(names.count == 5)
    }

    @Test func aTaskFolderIsDatedByCreationTimeInUTC() {
        // 2025-11-21T23:59:59.999Z, and one millisecond later.
        var event = CallbackEvent(taskID: "t", shape: .legacy, status: .succeeded, statusSpelling: "succeed")
        event.createdAt = Date(timeIntervalSince1970: 1_763_769_599.999)
        #expect(ArchiveLayout.folder(for: event, fallback: .distantPast) == "2025/11/21/t")
        event.createdAt = Date(timeIntervalSince1970: 1_763_769_600)
        #expect(ArchiveLayout.folder(for: event, fallback: .distantPast) == "2025/11/22/t")
        event.createdAt = nil
        event.updatedAt = Date(timeIntervalSince1970: 0)
        #expect(ArchiveLayout.folder(for: event, fallback: .distantPast) == "1970/01/01/t")
        event.updatedAt = nil
        event.taskID = "../../etc"
        let folder = ArchiveLayout.folder(for: event, fallback: Date(timeIntervalSince1970: 1_763_769_600))
        #expect(folder == "2025/11/22/" + SafeName.pathComponent(for: "../../etc"))
        #expect(ArchiveLayout(data: URL(fileURLWithPath: "/srv/darkroom")).url(ofFolder: folder).standardizedFileURL.path.hasPrefix("/srv/darkroom/archive/2025/11/22/@"))
    }

    /// Kling's folders keep the names they had before there were providers; another provider's
    /// are `<provider>@<safe name>`, and no two keys share a name, hostile ids included.
    @Test func aTaskFolderNamesItsProviderUnlessItIsKlings() {
        #expect(ArchiveLayout.taskName(TaskKey(provider: "kling", id: "t1")) == "t1")
        #expect(ArchiveLayout.taskName(TaskKey(provider: "gateway", id: "t1")) == "gateway@t1")
        #expect(ArchiveLayout.taskName(TaskKey(provider: "gateway", id: "../x")) == "gateway@" + SafeName.pathComponent(for: "../x"))
        let keys = [("kling", "t1"), ("gateway", "t1"), ("kling", "gateway@t1"), ("gateway", "@t1"), ("gate", "way@t1"), ("kling", "../x"),
                    ("gateway", "../x")].map { TaskKey(provider: $0.0, id: $0.1) }
        #expect(Set(keys.map(ArchiveLayout.taskName)).count == keys.count)
        let event = CallbackEvent(provider: "gateway", taskID: "t1", shape: .new, status: .succeeded, statusSpelling: "succeed",
                                  createdAt: Date(timeIntervalSince1970: 1_763_769_600))
        #expect(ArchiveLayout.folder(for: event, fallback: .distantPast) == "2025/11/22/gateway@t1")
    }
}
