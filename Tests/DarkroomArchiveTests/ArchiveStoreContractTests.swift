@testable import DarkroomArchive
import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

/// What every `ArchiveStore` promises, one test body for the folder and for a bucket (on
/// SeaweedFS): a committed task is found, read and copied back through its index alone, a second
/// commit replaces the first whole, and `verify` finds nothing to say about either.
@Suite struct ArchiveStoreContractTests {
    private func makeStore(_ kind: ArchiveKind) async throws -> (any ArchiveStore, URL) {
        let (store, data, _) = try await makeStoreAndBucket(kind)
        return (store, data)
    }

    /// The store, its data folder, and for a bucket the bucket, to be changed behind its back.
    private func makeStoreAndBucket(_ kind: ArchiveKind) async throws -> (any ArchiveStore, URL, TestBucket?) {
        let data = try makeTemporaryFolder("contract-\(kind)")
        guard kind == .bucket else { return (try ArchiveSettings().open(data: data), data, nil) }
        let bucket = try await TestBucket("contract")
        var settings = ArchiveSettings(archive: bucket.uri)
        settings.s3Endpoint = bucket.s3.endpoint
        settings.s3PathStyle = true
        return (try settings.open(data: data, environment: SeaweedS3.environment), data, bucket)
    }

    /// Stages a task whose video source is `source`, as `TaskArchiver` would leave it.
    private func stage(_ store: any ArchiveStore, source: Data) throws -> (URL, TaskIndex) {
        let staging = store.stagingRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: staging.appendingPathComponent("videos/v"), withIntermediateDirectories: true)
        let body = Data(#"{"task_id": "contract-1", "task_status": "succeed"}"#.utf8)
        try body.write(to: staging.appendingPathComponent("callback.json"))
        try source.write(to: staging.appendingPathComponent("videos/v/source.mp4"))
        let callback = try StoredFile(hashing: staging.appendingPathComponent("callback.json"), as: "callback.json")
        let video = try StoredFile(hashing: staging.appendingPathComponent("videos/v/source.mp4"), as: "videos/v/source.mp4")
        let event = CallbackEvent(taskID: "contract-1", shape: .legacy, status: .succeeded, statusSpelling: "succeed")
        let index = TaskIndex(task: TaskInfo(event: event), folder: "2025/11/21/contract-1", receivedAt: Date(), archivedAt: Date(),
                              history: [], callback: callback, videos: [VideoEntry(id: "v", source: video)], images: [])
        return (staging, index)
    }

    private func bytes(of file: ArchivedFile) async throws -> Data {
        switch file.access {
        case .read(.local(let path)): return try Data(contentsOf: URL(fileURLWithPath: path))
        case .read(.bytes(let data)): return data
        case .read(.ranges(let read)): return file.size == 0 ? Data() : try await read(0...(file.size - 1))
        case .redirect(let url): Issue.record("no redirect without a public endpoint: \(url)"); return Data()
        }
    }

    @Test(arguments: ArchiveKind.allCases)
    func aCommittedTaskIsReadThroughItsIndex(kind: ArchiveKind) async throws {
        let (store, data) = try await makeStore(kind)
        try await store.checkWritable()
        let source = pseudoRandomBytes(300_000, seed: 21)
        let (staging, index) = try stage(store, source: source)
        _ = try await store.commit(index, from: staging)

        #expect(try await store.taskFolders() == ["2025/11/21/contract-1"])
        let read = try await store.index(of: "2025/11/21/contract-1")
        #expect(read.files == index.files)
        #expect(read.task == index.task)
        #expect((read.generation != nil) == (kind == .bucket))

        let file = try #require(try await store.file("videos/v/source.mp4", of: read, forBrowser: false))
        #expect(file.size == 300_000)
        #expect(file.sha256 == index.videos[0].source?.sha256)
        #expect(try await bytes(of: file) == source)
        let indexFile = try #require(try await store.file("index.json", of: read, forBrowser: false))
        #expect(try IndexCoding.decoder().decode(TaskIndex.self, from: try await bytes(of: indexFile)) == read)
        for unlisted in ["videos/v/other.mp4", "../contract-1/callback.json", "videos/../callback.json", ""] {
            #expect(try await store.file(unlisted, of: read, forBrowser: false) == nil, "\(unlisted)")
        }

        let copy = data.appendingPathComponent("copy.mp4")
        try await store.copy(try #require(read.videos[0].source), of: read, to: copy)
        #expect(try Data(contentsOf: copy) == source)

        let report = try await store.verify(repair: false, grace: .seconds(0))
        #expect(report.findings == [])
        #expect(report.tasks == 1)
        #expect(report.files == 2)
    }

    @Test(arguments: ArchiveKind.allCases)
    func aSecondCommitReplacesTheFirstWhole(kind: ArchiveKind) async throws {
        let (store, _) = try await makeStore(kind)
        let (first, firstIndex) = try stage(store, source: pseudoRandomBytes(100_000, seed: 1))
        _ = try await store.commit(firstIndex, from: first)
        let earlier = try await store.index(of: firstIndex.folder)

        let second = pseudoRandomBytes(120_000, seed: 2)
        let (staging, index) = try stage(store, source: second)
        _ = try await store.commit(index, from: staging)
        let now = try await store.index(of: index.folder)
        #expect(now.videos[0].source == index.videos[0].source)
        #expect(now.generation != earlier.generation || kind == .folder)
        #expect(try await bytes(of: try #require(try await store.file("videos/v/source.mp4", of: now, forBrowser: false))) == second)

        // Nothing of the first generation is left for verify to report.
        let report = try await store.verify(repair: false, grace: .seconds(0))
        #expect(report.findings == [], "\(report.findings)")
        #expect(report.tasks == 1)
    }

    /// A commit that died after its commit point left its last step undone: the folder's
    /// catalog line, or an earlier generation's objects in the bucket. `finishCommit` does it,
    /// and changes nothing when there is nothing to do.
    @Test(arguments: ArchiveKind.allCases)
    func finishingACommitDoesItsLastStep(kind: ArchiveKind) async throws {
        let (store, data, bucket) = try await makeStoreAndBucket(kind)
        let (staging, index) = try stage(store, source: pseudoRandomBytes(50_000, seed: 3))
        _ = try await store.commit(index, from: staging)
        let committed = try await store.index(of: index.folder)
        try await store.finishCommit(committed)
        #expect(try await store.verify(repair: false, grace: .seconds(0)).findings == [], "a whole commit: nothing to do")

        let catalog = data.appendingPathComponent("archive/index.jsonl")
        if let bucket {
            let debris = data.appendingPathComponent("debris")
            try Data("old".utf8).write(to: debris)
            try await runS3Tool(bucket.s3, ["put", bucket.name, "\(TestBucket.prefix)/\(index.folder)/20250101T000000Z-00000000/callback.json", debris.path])
        } else {
            try FileManager.default.removeItem(at: catalog)
        }
        #expect(try await store.verify(repair: false, grace: .seconds(0)).findings.count == 1, "the step left undone is a finding")
        try await store.finishCommit(committed)
        #expect(try await store.verify(repair: false, grace: .seconds(0)).findings == [])
        if bucket == nil {
            #expect(try String(contentsOf: catalog, encoding: .utf8).split(separator: "\n").count == 1)
            try await store.finishCommit(committed)
            #expect(try String(contentsOf: catalog, encoding: .utf8).split(separator: "\n").count == 1, "no second line")
        }
    }
}
