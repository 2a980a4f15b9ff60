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
            #expect(page.contains("2.000 s measured</b> against 5.000 s reported"))
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
