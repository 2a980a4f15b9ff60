import ArgumentParser
import DarkroomArchive
import DarkroomS3
import Foundation

/// `--archive` and the `--s3-*` settings, shared by the verbs that use the archive; each also
/// read from `DARKROOM_<NAME>` and, for `serve` and `process`, the config file.
struct ArchiveOptions: ParsableArguments {
    static let settingNames = ["archive", "s3-endpoint", "s3-region", "s3-path-style", "s3-public-endpoint", "s3-presign-seconds"]

    @Option(help: ArgumentHelp(
        "The archive: a folder, or s3://BUCKET[/PREFIX] with keys from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. Default: <data>/archive.",
        valueName: "path|s3-url"))
    var archive: String?

    @Option(help: ArgumentHelp("The S3 endpoint. Default: AWS's for --s3-region.", valueName: "http(s)://host[:port]"))
    var s3Endpoint: String?

    @Option(help: "The bucket's region. Default: us-east-1.")
    var s3Region: String?

    @Flag(help: "Address the bucket by path (host/bucket/key), as SeaweedFS and MinIO expect.")
    var s3PathStyle = false

    @Option(help: ArgumentHelp(
        "Where browsers reach the store: the files route then redirects to presigned URLs for it. Default: files stream through Darkroom.",
        valueName: "http(s)://host[:port]"))
    var s3PublicEndpoint: String?

    @Option(help: "Seconds a presigned URL lives. Default: 900.")
    var s3PresignSeconds: Int?

    func settings(_ layers: SettingLayers) throws -> ArchiveSettings {
        var settings = ArchiveSettings(archive: try layers.string(archive, "archive"))
        settings.s3Endpoint = try url(try layers.string(s3Endpoint, "s3-endpoint"), "s3-endpoint")
        settings.s3Region = try layers.string(s3Region, "s3-region") ?? settings.s3Region
        settings.s3PathStyle = try layers.bool(s3PathStyle, "s3-path-style")
        settings.s3PublicEndpoint = try url(try layers.string(s3PublicEndpoint, "s3-public-endpoint"), "s3-public-endpoint")
        settings.s3PresignSeconds = try layers.int(s3PresignSeconds, "s3-presign-seconds", default: settings.s3PresignSeconds, minimum: 1, maximum: 604_800)
        return settings
    }

    /// The archive of `data`, for a verb that only reads it: a folder that does not exist (a
    /// mistyped path must not read as an empty archive that "all matches") is an error, exit 1.
    func existing(_ dataOptions: DataOptions) throws -> any ArchiveStore {
        let settings = try settings(SettingLayers(environment: ProcessInfo.processInfo.environment, configPath: nil))
        if !settings.isBucket {
            var isFolder: ObjCBool = false
            if let path = settings.archive {
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
                    throw fail("no archive folder at \(path) (--archive, or $DARKROOM_ARCHIVE)")
                }
            } else {
                _ = try dataOptions.existingArchive()
            }
        }
        return try open(settings, dataOptions)
    }

    /// The archive of `data`, to write to, with what `layers` say of it.
    func open(_ dataOptions: DataOptions, _ layers: SettingLayers) throws -> any ArchiveStore {
        try open(try settings(layers), dataOptions)
    }

    private func open(_ settings: ArchiveSettings, _ dataOptions: DataOptions) throws -> any ArchiveStore {
        do {
            return try settings.open(data: URL(fileURLWithPath: dataOptions.data))
        } catch {
            throw fail(error.description)
        }
    }

    private func url(_ text: String?, _ name: String) throws -> URL? {
        guard let text else { return nil }
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("\(name) must be an http(s)://host[:port] URL (got \(text))")
        }
        return url
    }
}
