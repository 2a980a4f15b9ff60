@testable import DarkroomArchive
import DarkroomCore
import DarkroomTestSupport
import Foundation
import Synchronization
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

    /// A move that creates `<yyyy>/<mm>/<dd>` syncs the parent of each folder it creates, up
    /// to the archive, then the target's parent: after a power cut every new name is there.
    @Test func everyFolderTheMoveCreatesIsSyncedInItsParent() throws {
        let root = try makeTemporaryFolder("durable-parents")
        let archive = root.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        let staged = root.appendingPathComponent("staging/x")
        try folder(staged, files: ["a.txt": "new"])
        DurableFolder.syncRecord.withLock { $0 = [] }
        defer { DurableFolder.syncRecord.withLock { $0 = nil } }
        _ = try DurableFolder.move(staged, to: archive.appendingPathComponent("2025/11/21/t"))
        let synced = DurableFolder.syncRecord.withLock { $0 ?? [] }.filter { $0.hasPrefix(root.path) }
        let year = archive.appendingPathComponent("2025").path
        let month = archive.appendingPathComponent("2025/11").path
        let day = archive.appendingPathComponent("2025/11/21").path
        for parent in [archive.path, year, month, day] {
            #expect(synced.contains(parent), "\(parent) not synced: \(synced)")
        }
        #expect(synced.firstIndex(of: archive.path)! < synced.firstIndex(of: year)!, "top down")
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
            let staging = try StagingFolder(root: layout.staging)
            url = staging.url
            try Data("x".utf8).write(to: staging.url.appendingPathComponent("f"))
        }
        #expect(!FileManager.default.fileExists(atPath: try #require(url).path))

        // Folders are judged by their lock, never by a pid in their name: in a container the
        // server is pid 1 on every start, so "1-…" was left forever by the pid check.
        let deadInAContainer = layout.staging.appendingPathComponent("1-abc")
        let deadWithLock = layout.staging.appendingPathComponent("feed-beef")
        try folder(deadInAContainer, files: ["f": "x"])
        try folder(deadWithLock, files: ["f": "x"])
        #expect(FileManager.default.createFile(atPath: deadWithLock.path + ".lock", contents: nil))
        let live = try StagingFolder(root: layout.staging)
        try Data("x".utf8).write(to: live.url.appendingPathComponent("f"))
        StagingFolder.removeAbandoned(in: layout.staging)
        #expect(!FileManager.default.fileExists(atPath: deadInAContainer.path))
        #expect(!FileManager.default.fileExists(atPath: deadWithLock.path))
        #expect(!FileManager.default.fileExists(atPath: deadWithLock.path + ".lock"))
        #expect(FileManager.default.fileExists(atPath: live.url.appendingPathComponent("f").path), "its lock is held")
        withExtendedLifetime(live) {}
    }

    /// A lock held by another process (another container on the same volume) keeps its folder.
    @Test func aFolderLockedByAnotherProcessIsKept() async throws {
        let layout = ArchiveLayout(data: try makeTemporaryFolder("durable-staging-other"))
        let other = layout.staging.appendingPathComponent("0ther-1")
        try folder(other, files: ["f": "x"])
        let ready = other.path + ".ready"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [other.path + ".lock", "sh", "-c", "touch '\(ready)'; exec cat"]
        let input = Pipe()
        holder.standardInput = input
        try holder.run()
        defer { try? input.fileHandleForWriting.close(); holder.waitUntilExit() }
        try await waitUntil("flock holds the lock", timeout: .seconds(10)) { FileManager.default.fileExists(atPath: ready) }
        StagingFolder.removeAbandoned(in: layout.staging)
        #expect(FileManager.default.fileExists(atPath: other.path))
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        StagingFolder.removeAbandoned(in: layout.staging)
        #expect(!FileManager.default.fileExists(atPath: other.path), "its holder is gone")
    }

    /// Another worker's cleaner may find a new folder's lock file between its creation and its
    /// locking, and remove it as a dead process's. The new folder then takes a lock file anew:
    /// before, the job failed ("flock …: Stale file handle") and waited 30 s for its retry, 1 or 2
    /// tasks in 200 when two processes archived into one folder (Benchmarks/postgres.sh).
    @Test func aCleanerRunningMeanwhileNeverFailsANewFolder() async throws {
        let layout = ArchiveLayout(data: try makeTemporaryFolder("durable-staging-race"))
        let created = 20_000
        let failures = await withCheckedContinuation { (done: CheckedContinuation<[String], Never>) in
            let finished = Atomic(false)
            let cleaner = Thread {
                while !finished.load(ordering: .acquiring) { StagingFolder.removeAbandoned(in: layout.staging) }
            }
            cleaner.start()
            Thread {
                var failures: [String] = []
                for _ in 0..<created {
                    do throws(FileError) {
                        _ = try StagingFolder(root: layout.staging)
                    } catch {
                        failures.append("\(error)")
                    }
                }
                finished.store(true, ordering: .releasing)
                done.resume(returning: failures)
            }.start()
        }
        #expect(failures.isEmpty, "\(failures.count) of \(created) folders failed, the first: \(failures.first ?? "")")
    }
}
