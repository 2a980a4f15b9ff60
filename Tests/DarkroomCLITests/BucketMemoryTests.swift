import DarkroomTestSupport
import Foundation
import Testing

/// A 200 MB result archived into a bucket goes up as a multipart upload, and `darkroom process`
/// holds no more memory for it than for a 20 MB one: parts are streamed from the file, never
/// held. Peak memory is the kernel's account (`getrusage` of the process, read by Python).
@Suite struct BucketMemoryTests {
    @Test func a200MBFileGoesUpInPartsWithFlatMemory() async throws {
        let small = pseudoRandomBytes(20 << 20, seed: 7)
        let large = pseudoRandomBytes(200 << 20, seed: 8)
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/small.mp4": .file(small, for: request, contentType: "video/mp4")
            case "/large.mp4": .file(large, for: request, contentType: "video/mp4")
            default: .notFound()
            }
        }
        let fixture = try await ArchiveFixture("bucket-memory", kind: .bucket)
        var peaks: [String: Int] = [:]
        for name in ["small", "large"] {
            let callback = fixture.folder.appendingPathComponent("\(name).json")
            try Data(legacyCallback(taskID: "memory-\(name)", videos: [("v", server.url("\(name).mp4").absoluteString, "2")]).utf8).write(to: callback)
            let measured = try await runCommand(RepositoryFiles.python, [
                "-c", "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)",
                try darkroomBinary(), "process", callback.path, "--data", fixture.data.path, "--allow-private",
            ] + fixture.archiveArguments, environment: fixture.archiveEnvironment)
            // Random bytes are no video: the source is archived with a problem, exit 1.
            #expect(measured.status == 1, "\(measured.stderr)")
            peaks[name] = Int(measured.stdout.split(separator: "\n").last ?? "") ?? .max
        }
        let folders = try await fixture.taskFolders()
        #expect(folders == ["2025/11/21/memory-large", "2025/11/21/memory-small"])
        let archived = try Data(contentsOf: fixture.archive.appendingPathComponent("2025/11/21/memory-large/videos/v/source.bin"))
        #expect(archived == large, "read back by boto3, byte for byte")
        let smallPeak = try #require(peaks["small"]), largePeak = try #require(peaks["large"])
        #expect(largePeak < 128 << 10, "peak \(largePeak) KiB for 200 MB")
        #expect(largePeak - smallPeak < 32 << 10, "\(smallPeak) KiB for 20 MB, \(largePeak) KiB for 200 MB")
    }
}
