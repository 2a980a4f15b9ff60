import DarkroomCore
import DarkroomS3
import Foundation

/// Where the archive is, as `--archive` and the `--s3-*` settings say: a folder (by default
/// `<data>/archive`) or `s3://BUCKET[/PREFIX]`. `open` is the one place that turns them into an
/// `ArchiveStore`.
public struct ArchiveSettings: Sendable, Equatable {
    /// A folder's path or `s3://BUCKET[/PREFIX]`; nil for `<data>/archive`.
    public var archive: String?
    /// The S3 endpoint (`http(s)://host[:port]`); nil for AWS's regional endpoint.
    public var s3Endpoint: URL?
    public var s3Region = "us-east-1"
    /// Address buckets by path (`host/bucket/key`), as SeaweedFS and MinIO expect.
    public var s3PathStyle = false
    /// Where browsers reach the store: files are then redirects to presigned URLs for it.
    public var s3PublicEndpoint: URL?
    public var s3PresignSeconds = 900

    public init(archive: String? = nil) {
        self.archive = archive
    }

    public var isBucket: Bool { archive?.hasPrefix("s3://") == true }

    /// The archive for the data folder `data`. A bucket's keys come from the environment
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), and its tasks are
    /// staged in `<data>/.staging`.
    public func open(data: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws(S3ConfigError) -> any ArchiveStore {
        guard let archive, isBucket else {
            let root = archive.map { URL(fileURLWithPath: $0) } ?? data.appendingPathComponent("archive", isDirectory: true)
            return FolderArchive(layout: ArchiveLayout(root: root))
        }
        guard (1...604_800).contains(s3PresignSeconds) else {
            throw S3ConfigError("--s3-presign-seconds must be 1…604800 (a presigned URL lives at most 7 days); it is \(s3PresignSeconds)")
        }
        let bucket = try S3Bucket(uri: archive, endpoint: s3Endpoint, region: s3Region, pathStyle: s3PathStyle)
        let credentials = try S3Credentials.fromEnvironment(environment)
        let presigner = s3PublicEndpoint.map { S3Presigner(bucket: bucket, credentials: credentials, endpoint: $0) }
        return BucketArchive(client: S3Client(bucket: bucket, credentials: credentials),
                             stagingRoot: data.appendingPathComponent(".staging", isDirectory: true),
                             presigner: presigner, presignSeconds: s3PresignSeconds)
    }
}
