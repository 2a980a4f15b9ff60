@testable import DarkroomArchive
import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

@Suite struct DurableFolderTests {
    private func folder(_ url: URL, files: [String: String]) throws {
        for (name, text) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
    }

    @Test func aNewFolderIsMovedIntoPlace() throws {
        let root = try makeTemporaryFolder("durable-new")
        let staged = root.appendingPathComponent("staging/x")
        try folder(staged, files: ["a.txt": "new", "sub/b.txt": "new"])
        try DurableFolder.sync(staged)
        let target = root.appendingPathComponent("archive/2025/11/21/t")
        #expect(try DurableFolder.move(staged, to: target) == false)
        #expect(try String(contentsOf: target.appendingPathComponent("sub/b.txt"), encoding: .utf8) == "new")
        #expect(!FileManager.default.fileExists(atPath: staged.path))
    }

    /// The two folders swap in one step: the old one is whole at the staged path, the new one
    /// whole at the target, and no file of one ends up in the other.
    @Test func anExistingFolderIsSwappedAsAWhole() throws {
        let root = try makeTemporaryFolder("durable-swap")
        let target = root.appendingPathComponent("archive/t")
        try folder(target, files: ["a.txt": "old", "only-old.txt": "old"])
        let staged = root.appendingPathComponent("staging/x")
        try folder(staged, files: ["a.txt": "new", "only-new.txt": "new"])
        #expect(try DurableFolder.move(staged, to: target) == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).sorted() == ["a.txt", "only-new.txt"])
        #expect(try String(contentsOf: target.appendingPathComponent("a.txt"), encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: staged.path).sorted() == ["a.txt", "only-old.txt"])
    }

    /// A staging folder removes itself unless committed; one left by a dead process is removed
    /// by the next job, one of a live process is not.
    @Test func stagingFoldersAreCleanedUp() throws {
        let layout = ArchiveLayout(data: try makeTemporaryFolder("durable-staging"))
        var url: URL?
        do {
            let staging = try StagingFolder(layout: layout)
            url = staging.url
            try Data("x".utf8).write(to: staging.url.appendingPathComponent("f"))
        }
        #expect(!FileManager.default.fileExists(atPath: try #require(url).path))

        // pid 2^22 + 1 is above Linux's largest pid, so no process has it.
        let dead = layout.staging.appendingPathComponent("4194305-abc")
        let live = layout.staging.appendingPathComponent("\(getpid())-abc")
        try folder(dead, files: ["f": "x"])
        try folder(live, files: ["f": "x"])
        StagingFolder.removeAbandoned(in: layout)
        #expect(!FileManager.default.fileExists(atPath: dead.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
    }
}
