import DarkroomServer
import DarkroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The gallery's HTML, as the router renders it for an archive the workers made.
@Suite struct GalleryTests {
    @Test func theGridAndATaskPageShowWhatWasArchived() async throws {
        let media = try await clipServer()
        let settings = try archivingSettings("gallery")
        let archived = videoCallback(taskID: "shot-1", url: media.url("clip.mp4"), duration: "5")
        let hostile = Data(#"{"task_id": "<script>alert(1)</script>", "task_status": "processing"}"#.utf8)
        try await withRouter(settings) { client in
            _ = try await client.postCallback(try RepositoryFiles.sampleCallback("legacy-failed.json"))
            _ = try await client.postCallback(hostile)
            try await client.archive(archived, id: "shot-1", query: "?project=summer")

            let grid = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(grid.contains(#"<a class="card" href="/tasks/shot-1">"#), "\(grid)")
            #expect(grid.contains(#"src="/v1/tasks/shot-1/files/videos/v/poster.jpg""#))
            #expect(grid.contains(#"<span class="badge badge-warning">verdict warning</span>"#), "a 2 s clip reported as 5 s")
            #expect(grid.contains(#"<span class="badge badge-archived">archived</span>"#), "the state beside the verdict")
            #expect(grid.contains("2.0 s · 320×180 landscape · 1 video"), "\(grid)")
            #expect(grid.contains(#"<time datetime="2025-11-21T05:20:00"#), "\(grid)")
            #expect(grid.contains("duration mismatch: the generator reported 5.0 s but the video holds 2.0 s"), "\(grid)")
            #expect(grid.contains(#"<span class="badge badge-failed">failed</span>"#))
            #expect(!grid.contains("<script>alert"), "ids are escaped")
            #expect(grid.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(grid.contains(#"href="/tasks/%3Cscript%3Ealert(1)%3C%2Fscript%3E""#), "ids are percent-encoded in links")

            let failedOnly = String(buffer: try await client.execute(uri: "/?state=failed&verdict=&tag=", method: .get).body)
            #expect(failedOnly.contains("CjhHZ2u1sQAAAAAAXz1aRw") && !failedOnly.contains("shot-1"))
            let tagged = String(buffer: try await client.execute(uri: "/?tag=project:summer", method: .get).body)
            #expect(tagged.contains("shot-1") && !tagged.contains("CjhHZ2u1sQAAAAAAXz1aRw"))

            let page = String(buffer: try await client.execute(uri: "/tasks/shot-1", method: .get).body)
            #expect(page.contains(#"src="/v1/tasks/shot-1/files/videos/v/web.mp4""#), "\(page)")
            #expect(page.contains(#"<track kind="metadata" label="storyboard" src="/v1/tasks/shot-1/files/videos/v/storyboard.vtt""#))
            #expect(page.contains(#"<p class="duration-check">Lasts 2 s, 3 s shorter than the 5 s the generator reported (more than the 0.5 s allowed)."#), "\(page)")
            // The problem comes first, in words, with what to do about it.
            let problems = try #require(page.range(of: #"<section id="problems""#), "\(page)")
            #expect(problems.lowerBound < (page.range(of: #"<section class="video">"#)?.lowerBound ?? page.startIndex))
            #expect(page.contains("<b class=\"problem\">Not as long as reported</b>") && page.contains("Watch it to the end before publishing"), "\(page)")
            #expect(page.contains(#"<label for="scrub-v">Storyboard: drag to preview frames, let go to jump there</label><input id="scrub-v" class="scrub""#), "\(page)")
            for fact in ["<th scope=\"row\">duration</th><td>2 s</td>", "<th scope=\"row\">resolution</th><td>320×180</td>",
                         "<th scope=\"row\">aspect ratio</th><td>16:9</td>", "<th scope=\"row\">frame rate</th><td>30 fps</td>"] {
                #expect(page.contains(fact), "\(fact)")
            }
            // One status spelling: the generator's "succeed" only in the tooltip.
            #expect(page.contains(#"<span title="the generator wrote succeed">succeeded</span>"#) && !page.contains("<td>succeed</td>"), "\(page)")
            // Every file with its size and whole hash to copy.
            let index = try await client.execute(uri: "/v1/tasks/shot-1", method: .get).json?["index"]
            let files = storedFiles(in: index as Any)
            #expect(files.count > 5, "\(files)")
            for (path, hash) in files {
                #expect(page.contains(#"<button type="button" class="copy" data-copy="\#(hash)" aria-label="Copy the SHA-256 of \#(path)">"#), "\(path)")
            }
            #expect(page.contains("/v1/tasks/shot-1/files/videos/v/thumbs/05.jpg"))
            #expect(page.contains(#"<a href="/v1/tasks/shot-1/files/index.json">index.json</a>"#))
            #expect(page.contains("project=summer"))
            // The renditions as a publisher picks one: the 320×180 H.264 source already fits both
            // profiles, so both are copies of it (said so), each with its bit rate and a download.
            #expect(page.contains("<caption>Renditions</caption>"), "\(page)")
            #expect(page.contains("<tr><td>web</td><td>h264 + aac</td><td>320×180</td><td>"), "\(page)")
            #expect(page.contains("<tr><td>preview</td><td>h264 + aac</td><td>320×180</td><td>"), "\(page)")
            #expect(page.components(separatedBy: " kb/s</td><td>").count == 3 && page.components(separatedBy: "<td>copy of the source</td>").count == 3, "\(page)")
            #expect(page.contains(#"<a href="/v1/tasks/shot-1/files/videos/v/preview.mp4?download=1" download>Download</a>"#))
            let download = try await client.execute(uri: "/v1/tasks/shot-1/files/videos/v/preview.mp4?download=1", method: .get)
            #expect(download.headers[.contentDisposition] == #"attachment; filename="shot-1-videos-v-preview.mp4""#)
            let inline = try await client.execute(uri: "/v1/tasks/shot-1/files/videos/v/preview.mp4", method: .get)
            #expect(inline.headers[.contentDisposition] == nil, "played in the page without it")

            let failedPage = try await client.execute(uri: "/tasks/CjhHZ2u1sQAAAAAAXz1aRw", method: .get)
            let failedHTML = String(buffer: failedPage.body)
            #expect(failedHTML.contains("<p class=\"problem\">"), "the generator's reason")
            #expect(!failedHTML.contains("Retry the archive job"), "a generator failure has nothing to retry")

            let hostilePage = try await client.execute(uri: "/tasks/%3Cscript%3Ealert(1)%3C%2Fscript%3E", method: .get)
            #expect(hostilePage.status == .ok)
            #expect(String(buffer: hostilePage.body).contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"))
            #expect(try await client.execute(uri: "/tasks/nobody", method: .get).status == .notFound)

            let retried = try await client.execute(uri: "/tasks/CjhHZ2u1sQAAAAAAXz1aRw/retry", method: .post)
            #expect(retried.status == .seeOther)
            #expect(retried.headers[.location] == "/tasks/CjhHZ2u1sQAAAAAAXz1aRw")
        }
    }

    /// Images in a grid, each with its format, size and file size, linking to the source.
    @Test func aTaskPageShowsItsImagesInAGrid() async throws {
        let png = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.png)))
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: try await TestClips.shared.path(.jpeg)))
        let media = try TestHTTPServer { request in
            request.path.hasSuffix(".png") ? .file(png, for: request, contentType: "image/png") : .file(jpeg, for: request, contentType: "image/jpeg")
        }
        let body = Data("""
            {"task_id": "pictures", "task_status": "succeed", "task_result": {"images": [
              {"index": 0, "url": "\(media.url("a.png").absoluteString)"}, {"index": 1, "url": "\(media.url("b.jpg").absoluteString)"}]}}
            """.utf8)
        try await withRouter(try archivingSettings("gallery-images")) { client in
            try await client.archive(body, id: "pictures")
            let page = String(buffer: try await client.execute(uri: "/tasks/pictures", method: .get).body)
            #expect(page.contains(#"<section id="images"><h2>Images</h2><div class="image-grid">"#), "\(page)")
            #expect(page.components(separatedBy: "<figure class=\"image\">").count == 3, "\(page)")
            let figures = page.components(separatedBy: "<figcaption>").dropFirst().map { $0.components(separatedBy: "</figcaption>")[0] }
            #expect(figures.count == 2 && figures[0].hasPrefix("Image 0<br><span class=\"muted\">PNG ") && figures[1].hasPrefix("Image 1<br><span class=\"muted\">JPEG "), "\(figures)")
            #expect(page.contains(#"<a href="/v1/tasks/pictures/files/images/0/source.png"><img loading="lazy" alt="image 0""#), "\(page)")
            #expect(!page.contains("id=\"problems\""), "nothing wrong, no problems section")
        }
    }

    @Test func theGalleryTakesTheAdminToken() async throws {
        try await withRouter(try testSettings("gallery-admin") { $0.adminTokens = ["adm"] }) { client in
            let without = try await client.execute(uri: "/", method: .get)
            #expect(without.status == .unauthorized)
            let with = try await client.execute(uri: "/", method: .get, headers: [.authorization: "Bearer adm"])
            #expect(with.status == .ok)
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)

            // A browser: the token once in the address, then the cookie it set.
            let login = try await client.execute(uri: "/?state=failed&admin_token=adm", method: .get)
            #expect(login.status == .seeOther)
            #expect(login.headers[.location] == "/?state=failed", "the address without the token")
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie == "darkroom_admin=adm; Path=/; HttpOnly; SameSite=Strict")
            let browsing = try await client.execute(uri: "/", method: .get, headers: [.cookie: "darkroom_admin=adm"])
            #expect(browsing.status == .ok)
            let forged = try await client.execute(uri: "/", method: .get, headers: [.cookie: "darkroom_admin=guess"])
            #expect(forged.status == .unauthorized)
            let wrongLogin = try await client.execute(uri: "/?admin_token=guess", method: .get)
            #expect(wrongLogin.status == .unauthorized)
        }
    }
}

/// Every `{path, sha256}` the index lists, wherever it sits (sources, renditions, stills).
private func storedFiles(in json: Any) -> [(path: String, sha256: String)] {
    if let object = json as? [String: Any] {
        let own = (object["path"] as? String).flatMap { path in (object["sha256"] as? String).map { [(path, $0)] } } ?? []
        return own + object.values.flatMap { storedFiles(in: $0) }
    }
    return (json as? [Any])?.flatMap { storedFiles(in: $0) } ?? []
}
