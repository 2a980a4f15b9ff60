import DarkroomS3
import DarkroomTestSupport
import Foundation
import Testing

/// Presigned URLs against botocore's presigner (the independent oracle) and a real server.
@Suite struct S3PresignerTests {
    struct Case: Sendable, CustomStringConvertible {
        var endpoint: String
        var bucket: String
        var key: String
        var region: String
        var token: String?
        var pathStyle: Bool
        var expires: Int
        var description: String { "\(endpoint) \(pathStyle ? "path" : "virtual") \(token == nil ? "" : "token")" }
    }

    static let cases = [
        Case(endpoint: "http://127.0.0.1:8333", bucket: "media", key: "2026/12/02/task-1/g1/videos/v1/source.mp4", region: "us-east-1", token: nil, pathStyle: true, expires: 900),
        Case(endpoint: "https://s3.eu-west-1.amazonaws.com", bucket: "darkroom.media", key: "a/b/poster.jpg", region: "eu-west-1", token: "IQoJ/b3Jp+Z2luX2Vj==", pathStyle: false, expires: 3600),
        Case(endpoint: "https://storage.example:9443", bucket: "media-2", key: "x/Task_name-1.2/thumbs/01.jpg", region: "auto", token: nil, pathStyle: true, expires: 60),
    ]

    @Test(arguments: cases)
    func theURLIsBotocoresForTheSameInputs(_ example: Case) async throws {
        let date = Date(timeIntervalSince1970: 1_796_194_800)
        let bucket = try S3Bucket(uri: "s3://\(example.bucket)", endpoint: URL(string: example.endpoint)!, region: example.region, pathStyle: example.pathStyle)
        let credentials = try S3Credentials(accessKey: "AKIAEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: example.token)
        let ours = S3Presigner(bucket: bucket, credentials: credentials).url(key: example.key, expires: example.expires, at: date)
        let theirs = try await runChecked(RepositoryFiles.python, [
            RepositoryFiles.root.appendingPathComponent("Tests/Scripts/botocore_presign.py").path,
            example.endpoint, example.bucket, example.key, example.region, "AKIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            example.token ?? "-", String(example.expires), "20261202T070000Z", example.pathStyle ? "path" : "virtual",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(ours.absoluteString == theirs)
    }

    @Test func theServerAcceptsAFreshURLAndRefusesAnExpiredOne() async throws {
        let server = try await SharedSeaweedS3.shared.server()
        let client = try await S3ClientTests.client(server)
        try await client.put(Data("presigned bytes".utf8), key: "p/file.txt", contentType: "text/plain")
        let presigner = S3Presigner(bucket: client.bucket, credentials: client.credentials)

        let fresh = presigner.url(key: "p/file.txt", expires: 900)
        let got = try await runChecked("curl", ["-s", "-w", "\n%{http_code}", fresh.absoluteString]).stdout
        #expect(got == "presigned bytes\n200")

        let expired = presigner.url(key: "p/file.txt", expires: 900, at: Date().addingTimeInterval(-7200))
        let refused = try await runChecked("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", expired.absoluteString]).stdout
        #expect(refused == "403")

        var tampered = fresh.absoluteString
        tampered = tampered.replacingOccurrences(of: "p/file.txt", with: "p/other.txt")
        let forged = try await runChecked("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", tampered]).stdout
        #expect(forged == "403")
    }
}
