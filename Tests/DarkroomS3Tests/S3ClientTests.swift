import DarkroomS3
import DarkroomTestSupport
import Foundation
import Testing

/// The client against a real S3 server (SeaweedFS), with `sha256sum` and curl as oracles.
@Suite struct S3ClientTests {
    static func client(_ server: SeaweedS3, bucket: String? = nil, prefix: String = "pre/fix", secret: String = SeaweedS3.secretKey) async throws -> S3Client {
        let name = bucket ?? uniqueBucketName("client")
        let location = try S3Bucket(uri: "s3://\(name)/\(prefix)", endpoint: server.endpoint, region: "us-east-1", pathStyle: true)
        let client = S3Client(bucket: location, credentials: try S3Credentials(accessKey: SeaweedS3.accessKey, secretKey: secret))
        if bucket == nil { try await runS3Tool(server, ["create", name]) }
        return client
    }

    @Test func aFileGoesUpAndComesBackByteIdentical() async throws {
        let server = try await SharedSeaweedS3.shared.server()
        let client = try await Self.client(server)
        let folder = try makeTemporaryFolder("s3-roundtrip")
        let file = folder.appendingPathComponent("clip.bin")
        try pseudoRandomBytes(3_000_001, seed: 11).write(to: file)
        let sha256 = try await sha256sum(file.path)
        try await client.upload(file: file, bytes: 3_000_001, sha256: sha256, key: "a/b/clip.bin", contentType: "video/mp4")

        var back = Data()
        try await client.read(key: "a/b/clip.bin", bytes: 3_000_001, window: 1 << 20) { back.append($0) }
        let copy = folder.appendingPathComponent("back.bin")
        try back.write(to: copy)
        #expect(try await sha256sum(copy.path) == sha256)
        #expect(try await client.head(key: "a/b/clip.bin") == 3_000_001)
        #expect(try await client.get(key: "a/b/clip.bin", range: 10...19) == back[10...19])
        // The keys are under the prefix, as another client lists them.
        let listed = try await runChecked("curl", ["-s", "--aws-sigv4", "aws:amz:us-east-1:s3", "-u", "\(SeaweedS3.accessKey):\(SeaweedS3.secretKey)",
                                                   "\(server.endpoint.absoluteString)/\(client.bucket.name)?list-type=2"]).stdout
        #expect(listed.contains("<Key>pre/fix/a/b/clip.bin</Key>"))
    }

    @Test func aChecksumThatIsNotTheFilesIsRefusedByTheStore() async throws {
        let server = try await SharedSeaweedS3.shared.server()
        let client = try await Self.client(server)
        let file = try makeTemporaryFolder("s3-digest").appendingPathComponent("f.bin")
        try Data("the real bytes".utf8).write(to: file)
        let wrong = String(repeating: "ab", count: 32)
        await #expect {
            try await client.upload(file: file, bytes: 14, sha256: wrong, key: "f.bin", contentType: "application/octet-stream")
        } throws: { error in
            (error as? S3Error)?.kind == .badDigest && "\(error)".contains("f.bin")
        }
        #expect(try await client.head(key: "f.bin") == nil)
    }

    @Test func aWrongSecretIsAPermanentRefusalThatNamesTheKeyAndNotTheSecret() async throws {
        let server = try await SharedSeaweedS3.shared.server()
        let good = try await Self.client(server)
        let bad = try await Self.client(server, bucket: good.bucket.name, secret: "not-the-secret-at-all")
        do {
            try await bad.put(Data("x".utf8), key: "k.txt", contentType: "text/plain")
            Issue.record("a wrong secret was accepted")
        } catch {
            #expect(error.kind == .denied)
            #expect(error.description.contains("PUT s3://\(good.bucket.name)/pre/fix/k.txt"))
            #expect(error.description.contains("SignatureDoesNotMatch"))
            #expect(!error.description.contains("not-the-secret-at-all"))
        }
    }

    @Test func aMissingBucketIsNamed() async throws {
        let server = try await SharedSeaweedS3.shared.server()
        let client = try await Self.client(server, bucket: uniqueBucketName("absent"))
        do {
            _ = try await client.list()
            Issue.record("listing a missing bucket succeeded")
        } catch {
            #expect(error.kind == .noSuchBucket)
            #expect(error.description.contains(client.bucket.name))
        }
    }

    @Test func listingFollowsContinuationTokensAndDeleteRemoves() async throws {
        let server = try await SharedSeaweedS3.shared.server()
        let client = try await Self.client(server)
        // More keys than one page of 1,000.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for batch in 0..<8 {
                group.addTask {
                    for index in stride(from: batch, to: 1_003, by: 8) {
                        try await client.put(Data("\(index)".utf8), key: "many/\(String(format: "%04d", index)).txt", contentType: "text/plain")
                    }
                }
            }
            try await group.waitForAll()
        }
        try await client.put(Data("x".utf8), key: "other/x.txt", contentType: "text/plain")
        let listed = try await client.list(prefix: "many/")
        #expect(listed.count == 1_003)
        #expect(listed.map(\.key).sorted().first == "many/0000.txt")
        try await client.delete(key: "many/0000.txt")
        #expect(try await client.list(prefix: "many/").count == 1_002)
        #expect(try await client.list().count == 1_003)
    }

    @Test func aLargeFileGoesUpInPartsEachChecked() async throws {
        let server = try await SharedSeaweedS3.shared.server()
        var client = try await Self.client(server)
        client.multipartThreshold = 5 << 20
        client.partSize = 5 << 20
        let folder = try makeTemporaryFolder("s3-parts")
        let file = folder.appendingPathComponent("big.bin")
        let size = 23 * (1 << 20) + 17
        try pseudoRandomBytes(size, seed: 5).write(to: file)
        let sha256 = try await sha256sum(file.path)
        try await client.upload(file: file, bytes: Int64(size), sha256: sha256, key: "big.bin", contentType: "video/mp4")
        let copy = folder.appendingPathComponent("copy.bin")
        #expect(FileManager.default.createFile(atPath: copy.path, contents: nil))
        let handle = try FileHandle(forWritingTo: copy)
        try await client.read(key: "big.bin", bytes: Int64(size)) { try handle.write(contentsOf: $0) }
        try handle.close()
        #expect(try await sha256sum(copy.path) == sha256)
        // No incomplete upload is left behind.
        let uploads = try await runChecked("curl", ["-s", "--aws-sigv4", "aws:amz:us-east-1:s3", "-u", "\(SeaweedS3.accessKey):\(SeaweedS3.secretKey)",
                                                    "\(server.endpoint.absoluteString)/\(client.bucket.name)?uploads="]).stdout
        #expect(!uploads.contains("<Upload>"))
    }

    /// A part that cannot be sent (the file is shorter than said: it changed under the upload)
    /// fails the upload, and the upload is aborted: the store holds no incomplete upload and no
    /// object, as boto3 lists them.
    @Test func aFailedPartAbortsTheWholeUpload() async throws {
        let server = try await SharedSeaweedS3.shared.server()
        var client = try await Self.client(server)
        client.multipartThreshold = 5 << 20
        client.partSize = 5 << 20
        let file = try makeTemporaryFolder("s3-abort").appendingPathComponent("short.bin")
        try pseudoRandomBytes(12 << 20, seed: 9).write(to: file)
        await #expect(throws: S3Error.self) {
            try await client.upload(file: file, bytes: 17 << 20, sha256: String(repeating: "0", count: 64), key: "short.bin", contentType: "video/mp4")
        }
        #expect(try await runS3Tool(server, ["uploads", client.bucket.name]) == "", "no incomplete upload left")
        #expect(try await client.head(key: "short.bin") == nil)
    }
}
