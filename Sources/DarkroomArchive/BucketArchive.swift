import Crypto
import DarkroomCore
import DarkroomS3
import Foundation

/// The archive in an S3-compatible bucket (DESIGN.md, "Beyond one machine"). A task's files go
/// under `<prefix>/<yyyy>/<mm>/<dd>/<task>/<generation>/` with the folder's relative paths, and
/// `<prefix>/<yyyy>/<mm>/<dd>/<task>/index.json`, uploaded last, is the commit point: it names
/// its generation, so a reader who found the index finds every file it lists, and a re-archive
/// switches from one whole generation to the next by replacing one object. The generation it
/// replaced is deleted after. A crash leaves at most objects that no index lists, which
/// `verify` reports and `verify --repair` removes.
///
/// There is no `index.jsonl` in a bucket (objects cannot be appended to, and many writers would
/// race): the task store is the catalog, and `darkroom reindex` rebuilds it from the index
/// objects alone.
public struct BucketArchive: ArchiveStore {
    public let client: S3Client
    /// Browsers are sent to presigned URLs when set; else files stream through Darkroom.
    public let presigner: S3Presigner?
    public let presignSeconds: Int
    public let stagingRoot: URL
    /// Uploads of one task at once.
    public var uploadConcurrency = 4

    public init(client: S3Client, stagingRoot: URL, presigner: S3Presigner? = nil, presignSeconds: Int = 900) {
        self.client = client
        self.stagingRoot = stagingRoot
        self.presigner = presigner
        self.presignSeconds = presignSeconds
    }

    public var location: String { client.bucket.description }
    public var browserOrigin: String? { presigner?.origin }

    public func commit(_ index: TaskIndex, from staging: URL) async throws(ArchiveStoreError) -> Bool {
        var index = index
        let generation = Self.newGeneration()
        index.generation = generation
        let encoded: Data
        do throws(FileError) {
            encoded = try IndexFile.encode(index, at: staging.path)
        } catch {
            throw ArchiveStoreError(error)
        }
        try await upload(index.files, from: staging, under: "\(index.folder)/\(generation)")
        Checkpoint.reached("bucket-files")
        try await bucket { () async throws(S3Error) in
            try await client.put(encoded, key: "\(index.folder)/index.json", contentType: "application/json")
        }
        Checkpoint.reached("bucket-index")
        await dropEarlierGenerations(of: index.folder, keeping: generation)
        return false
    }

    /// The index is the commit point: what may be left is an earlier generation's objects.
    public func finishCommit(_ index: TaskIndex) async throws(ArchiveStoreError) {
        guard let generation = index.generation else { return }
        await dropEarlierGenerations(of: index.folder, keeping: generation)
    }

    /// The new index is in place: whatever else is in the task's folder is an earlier
    /// generation, or debris of a commit that died, and no index lists it. A failure here
    /// leaves orphans for `verify --repair`, never a broken task.
    private func dropEarlierGenerations(of folder: String, keeping generation: String) async {
        guard let objects = try? await client.list(prefix: folder + "/") else { return }
        for object in objects where object.key != "\(folder)/index.json" && !object.key.hasPrefix("\(folder)/\(generation)/") {
            try? await client.delete(key: object.key)
        }
    }

    public func index(of folder: String) async throws(ArchiveScanError) -> TaskIndex {
        let data: Data
        do {
            data = try await client.get(key: "\(folder)/index.json", limit: 64 << 20)
        } catch {
            throw ArchiveScanError(folder: folder, reason: error.kind == .notFound ? "\(folder) has no index.json in \(location)" : error.description)
        }
        let index: TaskIndex
        do {
            index = try IndexCoding.decoder().decode(TaskIndex.self, from: data)
        } catch {
            throw ArchiveScanError(folder: folder, reason: "\(folder)/index.json is not a Darkroom index file: \(error)")
        }
        // The index names the keys a reader fetches: an index changed by someone else must not
        // lead to other keys (libcurl resolves `..` in a URL's path).
        guard let generation = index.generation, SafeName.isSafe(generation), index.files.allSatisfy({ ArchiveVerifier.staysInside($0.path) }) else {
            throw ArchiveScanError(folder: folder, reason: "\(folder)/index.json names no safe generation, or lists a path outside its folder")
        }
        return index
    }

    public func file(_ path: String, of index: TaskIndex, forBrowser: Bool) async throws(ArchiveStoreError) -> ArchivedFile? {
        if path == "index.json" {
            let data = try await bucket { () async throws(S3Error) in try await self.client.get(key: "\(index.folder)/index.json", limit: 64 << 20) }
            let sha256 = SHA256.hash(data: data).hexString
            return ArchivedFile(size: Int64(data.count), sha256: sha256, access: .read(.bytes(data)))
        }
        guard let listed = index.files.first(where: { $0.path == path }) else { return nil }
        let key = objectKey(listed, of: index)
        // Pictures and video load from another origin as they are; a storyboard's WebVTT (a
        // <track>) and JSON read by scripts would need the store to send CORS headers, so
        // those small files always come through Darkroom.
        if forBrowser, let presigner, !path.hasSuffix(".vtt"), !path.hasSuffix(".json") {
            return ArchivedFile(size: Int64(listed.bytes), sha256: listed.sha256, access: .redirect(presigner.url(key: key, expires: presignSeconds)))
        }
        let client = client
        return ArchivedFile(size: Int64(listed.bytes), sha256: listed.sha256, access: .read(.ranges { range in
            try await client.get(key: key, range: range, limit: Int(ArchivedFile.window))
        }))
    }

    /// Downloads the object, hashing it on the way: a copy that is not what the index lists is
    /// refused rather than archived again.
    public func copy(_ file: StoredFile, of index: TaskIndex, to destination: URL) async throws(ArchiveStoreError) {
        // open(2) itself, so a failure carries its errno (FileManager.createFile reports none).
        let descriptor = open(destination.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ArchiveStoreError(FileError(path: destination.path, operation: "create", errno: errno)) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        defer { try? handle.close() }
        var hasher = SHA256()
        let key = objectKey(file, of: index)
        do {
            try await client.read(key: key, bytes: Int64(file.bytes)) { data in
                hasher.update(data: data)
                try handle.write(contentsOf: data)
            }
            try handle.synchronize()
        } catch let error as S3Error {
            throw ArchiveStoreError(unavailable: error.isTransient, error.description)
        } catch {
            throw ArchiveStoreError(unavailable: false, "cannot write \(destination.path): \(error)")
        }
        let sha256 = hasher.finalize().hexString
        guard sha256 == file.sha256 else {
            throw ArchiveStoreError(unavailable: false, "\(location)/\(key) has sha256 \(sha256); its index lists \(file.sha256)")
        }
    }

    public func taskFolders() async throws(ArchiveStoreError) -> [String] {
        let objects = try await bucket { () async throws(S3Error) in try await client.list() }
        return objects.compactMap { TaskObjectKey($0.key)?.indexFolder }.sorted()
    }

    public func verify(repair: Bool, grace: Duration) async throws(ArchiveStoreError) -> ArchiveReport {
        try await BucketVerifier(archive: self).verify(repair: repair, grace: grace)
    }

    /// Lists and puts a small object under the prefix: the bucket exists (some stores create a
    /// bucket on a first PUT), the keys are right and may write.
    public func checkWritable() async throws(ArchiveStoreError) {
        try await bucket { () async throws(S3Error) in
            _ = try await client.list(prefix: ".ready")
            try await client.put(Data("ok\n".utf8), key: ".ready", contentType: "text/plain")
        }
    }

    /// The key of a file the index lists, relative to the prefix.
    func objectKey(_ file: StoredFile, of index: TaskIndex) -> String {
        [index.folder, index.generation, file.path].compactMap { $0 }.joined(separator: "/")
    }

    /// Uploads `files` from `staging` under `base`, a few at once.
    private func upload(_ files: [StoredFile], from staging: URL, under base: String) async throws(ArchiveStoreError) {
        let client = self.client
        let failures = await withTaskGroup(of: S3Error?.self) { group in
            var failures: [S3Error] = []
            var pending = files[...]
            func add() {
                guard let file = pending.popFirst() else { return }
                group.addTask {
                    do throws(S3Error) {
                        try await client.upload(file: staging.appendingPathComponent(file.path), bytes: Int64(file.bytes), sha256: file.sha256,
                                                key: "\(base)/\(file.path)", contentType: MediaType.of(file.path))
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            for _ in 0..<uploadConcurrency { add() }
            for await failure in group {
                if let failure {
                    failures.append(failure)
                    group.cancelAll()
                } else {
                    add()
                }
            }
            return failures
        }
        if let failure = failures.first(where: { $0.kind != .cancelled }) ?? failures.first {
            throw ArchiveStoreError(unavailable: failure.isTransient || failure.kind == .cancelled, failure.description)
        }
    }

    private func bucket<T>(_ body: () async throws(S3Error) -> T) async throws(ArchiveStoreError) -> T {
        do {
            return try await body()
        } catch {
            throw ArchiveStoreError(unavailable: error.isTransient, error.description)
        }
    }

    /// A name for a new generation that sorts by time: `20261202T071512Z-1a2b3c4d`.
    static func newGeneration(at date: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ-%08x", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!,
                      parts.second!, UInt32.random(in: 0...UInt32.max))
    }
}

/// A key relative to the prefix, read as `<yyyy>/<mm>/<dd>/<task>/<rest>`.
struct TaskObjectKey {
    let folder: String
    let rest: String

    init?(_ key: String) {
        let parts = key.split(separator: "/", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts[0...2].allSatisfy({ $0.allSatisfy(\.isWholeNumber) }), !parts[3].isEmpty, !parts[3].hasPrefix(".")
        else { return nil }
        folder = parts[0...3].joined(separator: "/")
        rest = String(parts[4])
    }

    /// The folder, when this is its index.
    var indexFolder: String? { rest == "index.json" ? folder : nil }
}
