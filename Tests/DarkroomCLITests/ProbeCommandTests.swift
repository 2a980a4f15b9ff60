import DarkroomTestSupport
import Foundation
import Testing

@Suite struct ProbeCommandTests {
    @Test(arguments: [TestClip.h264AAC, .rotated90, .vp9WebM, .cutShort])
    func printsTheProbeAsJSON(_ clip: TestClip) async throws {
        let path = try await TestClips.shared.path(clip)
        let result = try await runDarkroom(["probe", path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let video = try #require(json["video"] as? [String: Any])
        let oracle = try await FFprobeReport.of(path)
        #expect(json["container"] as? String == oracle.formatName)
        #expect(video["codec"] as? String == oracle.video?.codecName)
        #expect(video["width"] as? Int == oracle.video?.width)
        #expect(video["height"] as? Int == oracle.video?.height)
        #expect(video["frames"] as? Int == oracle.videoPacketCount)
        let measured = try #require(json["duration_measured"] as? Double)
        let oracleMeasured = try #require(oracle.videoPacketDuration)
        #expect(abs(measured - oracleMeasured) <= 1 / (oracle.videoFrameRate ?? 30))
        for key in ["duration_header", "bit_rate"] { #expect(json[key] != nil, "\(key) missing") }
        for key in ["profile", "pix_fmt", "frame_rate", "rotation"] { #expect(video[key] != nil, "video.\(key) missing") }
    }

    @Test func theCutShortClipShowsBothDurations() async throws {
        let result = try await runDarkroom(["probe", try await TestClips.shared.path(.cutShort)])
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let header = try #require(json["duration_header"] as? Double)
        let measured = try #require(json["duration_measured"] as? Double)
        #expect(header - measured > 2, "header \(header) s, measured \(measured) s")
    }

    @Test func aTextFileExitsOneWithOneLine() async throws {
        let path = try await TestClips.shared.path(.textNamedMP4)
        let result = try await runDarkroom(["probe", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "darkroom: \(path): not a media file: no container signature Darkroom reads (MP4/MOV, Matroska/WebM, AVI, FLV, MPEG-TS, PNG, JPEG, WebP, GIF, MP3, WAV, Ogg, FLAC, AAC)\n")
    }

    /// A text file named as text: FFmpeg guesses its own `tty` demuxer from the name, which
    /// Darkroom does not accept, and answered "Invalid argument"; the message says what was checked.
    @Test func aTextFileOfAnyNameSaysWhatWasChecked() async throws {
        let path = try makeTemporaryFolder("probe-text").appendingPathComponent("notes.txt").path
        try Data("just notes\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try await runDarkroom(["probe", path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("darkroom: \(path): not a media file: no container signature Darkroom reads (MP4/MOV, "), "\(result.stderr)")
    }

    @Test func aMissingFileExitsOne() async throws {
        let result = try await runDarkroom(["probe", "/nonexistent/clip.mp4"])
        #expect(result.status == 1)
        #expect(result.stderr == "darkroom: /nonexistent/clip.mp4: cannot open (No such file or directory)\n")
    }
}

/// `darkroom probe URL` downloads through the fetcher, so the address policy, the TLS settings
/// and the size limit hold as they do for every download; FFmpeg's network code is never used.
@Suite struct ProbeURLTests {
    @Test func aURLIsDownloadedThroughTheFetcherAndProbed() async throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.h264AAC)))
        let server = try TestHTTPServer { request in
            request.path == "/clip.mp4" ? .file(bytes, for: request, contentType: "video/mp4") : .notFound()
        }
        let probed = try await runDarkroom(["probe", server.url("clip.mp4").absoluteString, "--allow-private"])
        #expect(probed.status == 0, "\(probed.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: probed.stdoutData) as? [String: Any])
        #expect((json["video"] as? [String: Any])?["frames"] as? Int == 60)

        let refused = try await runDarkroom(["probe", server.url("clip.mp4").absoluteString])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refused: 127.0.0.1 is a loopback address"), "the address policy holds: \(refused.stderr)")

        let missing = try await runDarkroom(["probe", server.url("gone.mp4").absoluteString, "--allow-private"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "darkroom: \(server.url("gone.mp4").absoluteString): HTTP 404\n", "\(missing.stderr)")
        #expect(server.receivedRequests.count == 2, "the refused address was never connected to")
    }

    @Test func anHTTPSURLNeedsItsCAAndTLS12() async throws {
        let tls = try await SharedTLSServer.shared.server()
        let untrusted = try await runDarkroom(["probe", tls.url(.good).absoluteString, "--allow-private", "--ca-bundle", tls.otherCABundle])
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("the server's certificate is not trusted"), "\(untrusted.stderr)")
        let notMedia = try await runDarkroom(["probe", tls.url(.good).absoluteString, "--allow-private", "--ca-bundle", tls.caBundle])
        #expect(notMedia.status == 1)
        #expect(notMedia.stderr.hasPrefix("darkroom: \(tls.url(.good).absoluteString): not a media file"), "downloaded, then judged: \(notMedia.stderr)")
    }
}
