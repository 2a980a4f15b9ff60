import DarkroomCore
import Foundation

/// Where archived tasks are kept: a folder (`FolderArchive`, the embedded default) or an
/// S3-compatible bucket (`BucketArchive`). Everything that reads or writes the archive goes
/// through this, and nothing else knows which one it is; `ArchiveLocation.open` chooses.
///
/// The contract (DESIGN.md, "The archive" and "Beyond one machine"): a task is assembled in a
/// local staging folder and committed whole, its index last; a reader sees a task only through
/// its index, and only the files it lists, each complete and matching its hash.
public protocol ArchiveStore: Sendable {
    /// The folder's path, or `s3://bucket/prefix`: for messages.
    var location: String { get }
    /// The local folder where tasks are assembled. Downloads land there, so its file system's
    /// free space is what `--min-free-bytes` guards.
    var stagingRoot: URL { get }
    /// Where browsers fetch archived files from besides Darkroom (`scheme://host[:port]`),
    /// when the files route sends them there; nil when every byte comes through Darkroom.
    var browserOrigin: String? { get }

    /// Puts the task assembled in `staging` into the archive, replacing an earlier generation of
    /// it as a whole, and writes its index (with `index` as its content) as the last step.
    /// Returns whether the staging folder was moved away (nothing left there to remove).
    func commit(_ index: TaskIndex, from staging: URL) async throws(ArchiveStoreError) -> Bool
    /// Does what a commit of `index` that died after its commit point left undone (a folder's
    /// catalog line, a bucket's earlier generation), so that a task found committed is whole.
    /// Nothing when it was all done.
    func finishCommit(_ index: TaskIndex) async throws(ArchiveStoreError)
    /// The index of the task folder `folder` (relative to the archive).
    func index(of folder: String) async throws(ArchiveScanError) -> TaskIndex
    /// A file of the archived task `index` describes, for serving: one its index lists, or
    /// `index.json`; nil when there is no such file. `forBrowser`: a store that browsers reach
    /// themselves may answer with a redirect; otherwise the bytes are always Darkroom's to read.
    func file(_ path: String, of index: TaskIndex, forBrowser: Bool) async throws(ArchiveStoreError) -> ArchivedFile?
    /// Puts a copy of the archived `file` at `destination` (a re-archive keeping an asset).
    func copy(_ file: StoredFile, of index: TaskIndex, to destination: URL) async throws(ArchiveStoreError)
    /// The task folders that have an index, relative to the archive, sorted.
    func taskFolders() async throws(ArchiveStoreError) -> [String]
    /// Checks every indexed file's size and SHA-256, and finds what no index lists; with
    /// `repair`, removes the latter (older than `grace`, so a commit in progress is left alone).
    func verify(repair: Bool, grace: Duration) async throws(ArchiveStoreError) -> ArchiveReport
    /// Succeeds when a task could be committed now: the store answers and takes a write.
    func checkWritable() async throws(ArchiveStoreError)
}

/// The archive could not be read or written.
public struct ArchiveStoreError: Error, Sendable, CustomStringConvertible {
    /// The store is down or did not answer: worth waiting for, not a fault of the task.
    public let unavailable: Bool
    public let description: String

    public init(unavailable: Bool, _ description: String) {
        self.unavailable = unavailable
        self.description = description
    }

    init(_ error: FileError) {
        self.init(unavailable: false, error.description)
    }
}
