import DarkroomTestSupport
import Foundation
import Testing

/// The gallery in a real browser: headless Chromium (Debian's, driven by selenium) loads the
/// grid and a task page of an archive made by the running binary, and the DOM is checked —
/// posters loaded, verdict badges, the player's H.264 source playable, the storyboard's cues
/// read. Screenshots go to `.build/screenshots/`. Three times: with the archive in a folder, in
/// a bucket streamed through Darkroom, and in a bucket whose files are redirects to presigned
/// URLs (the browser then loads posters and video from SeaweedFS itself).
@Suite(.serialized) struct GalleryBrowserTests {
    enum Archive: String, CaseIterable, Sendable {
        case folder, bucketStreamed, bucketRedirected
    }

    static let script = #"""
        import json, sys
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
        base, shots, task = sys.argv[1], sys.argv[2], sys.argv[3]
        options = Options()
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900"]:
            options.add_argument(argument)
        options.binary_location = "/usr/bin/chromium"
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.set_script_timeout(30)
        try:
            driver.get(base + "/")
            grid = driver.execute_async_script("""
                const done = arguments[arguments.length - 1];
                Promise.all([...document.images].map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })))
                  .then(() => done({cards: document.querySelectorAll("a.card").length,
                    images: [...document.images].map(i => i.naturalWidth),
                    badges: [...document.querySelectorAll(".badge")].map(b => b.textContent),
                    facts: [...document.querySelectorAll(".card .facts")].map(f => f.textContent),
                    times: [...document.querySelectorAll(".card time")].map(t => ({text: t.textContent, utc: t.title})),
                    problems: [...document.querySelectorAll(".card .problem")].map(p => p.textContent),
                    wrapped: [...document.querySelectorAll(".card .line")].filter(l =>
                      l.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(l).lineHeight)).length}));
            """)
            driver.save_screenshot(shots + "/gallery.png")
            driver.get(base + "/tasks/" + task)
            page = driver.execute_async_script("""
                const done = arguments[arguments.length - 1];
                const video = document.querySelector("video");
                const report = () => done({readyState: video.readyState, width: video.videoWidth, error: video.error && video.error.code,
                  cues: video.textTracks[0].cues ? video.textTracks[0].cues.length : 0,
                  thumbnails: [...document.querySelectorAll(".thumbs img")].length});
                // Read once the storyboard track has loaded (or failed) and the player has its
                // metadata: events, not a pause, which a loaded machine outlasted.
                const track = document.querySelector("video track");
                const loaded = new Promise(r => {
                  if (track.readyState >= 2) r(); else { track.addEventListener("load", r); track.addEventListener("error", r); } });
                const metadata = new Promise(r => {
                  if (video.readyState >= 1) r(); else { video.addEventListener("loadedmetadata", r); video.addEventListener("error", r); } });
                video.textTracks[0].mode = "hidden";
                Promise.all([loaded, metadata]).then(report);
            """)
            driver.save_screenshot(shots + "/task.png")
            print(json.dumps({"grid": grid, "page": page}))
        finally:
            driver.quit()
        """#

    @Test(arguments: Archive.allCases)
    func theGalleryWorksInChromium(archive: Archive) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "scripts/setup.sh --tests installs chromium")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "scripts/setup.sh --tests installs chromium-driver")
        let folder = try makeTemporaryFolder("browser")
        let media = try await clipServer()
        var arguments = ["--allow-private"]
        if archive != .folder {
            let bucket = try await TestBucket("browser")
            arguments += bucket.arguments
            if archive == .bucketRedirected { arguments += ["--s3-public-endpoint", bucket.s3.endpoint.absoluteString] }
        }
        let server = try await ServerProcess(data: folder.appendingPathComponent("data"), arguments: arguments, environment: SeaweedS3.environment)
        let body = videoCallback(taskID: "browser-1", url: media.url("clip.mp4"), duration: "5")
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: body).status == 200)
        #expect(try await server.request("POST", "/v1/callbacks/kling", body: try RepositoryFiles.sampleCallback("legacy-failed.json")).status == 200)
        try await waitUntil("the task is archived", timeout: .seconds(60)) {
            try await server.request("GET", "/v1/tasks/browser-1").json?["state"] as? String == "archived"
        }

        let shots = RepositoryFiles.root.appendingPathComponent(".build/screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let shotFolder = shots.appendingPathComponent(archive.rawValue)
        try FileManager.default.createDirectory(at: shotFolder, withIntermediateDirectories: true)
        let result = try await runCommand(RepositoryFiles.python, ["-c", Self.script, "http://127.0.0.1:\(server.port)", shotFolder.path, "browser-1"],
                                          environment: ["TZ": "Asia/Tokyo"])
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: [String: Any]], "\(result.stdout)")
        let grid = try #require(json["grid"])
        #expect(grid["cards"] as? Int == 2)
        let images = try #require(grid["images"] as? [Int])
        #expect(images == [320], "one poster, loaded at its width: \(images)")
        #expect(Set(grid["badges"] as? [String] ?? []) == ["archived", "verdict warning", "failed"], "\(grid)")
        #expect(grid["facts"] as? [String] == ["2.0 s · 320×180 landscape · 1 video"], "\(grid)")
        let times = try #require(grid["times"] as? [[String: String]])
        #expect(times.count == 2)
        let created = try #require(times.first { $0["utc"]?.hasPrefix("2025-11-21T05:20") == true }, "the UTC value in the tooltip: \(times)")
        #expect(created["text"]?.contains("2:20") == true, "shown in the viewer's zone (Tokyo, UTC+9): \(times)")
        #expect((grid["problems"] as? [String])?.count == 2, "the warning's problem and the failed task's reason, a line each: \(grid)")
        #expect(grid["wrapped"] as? Int == 0, "no card line wraps")
        let page = try #require(json["page"])
        #expect(page["error"] is NSNull, "\(page)")
        #expect((page["readyState"] as? Int ?? 0) >= 1, "the player loaded the rendition: \(page)")
        #expect(page["width"] as? Int == 320)
        #expect((page["cues"] as? Int ?? 0) == 2, "one storyboard tile per second of the 2 s clip: \(page)")
        #expect(page["thumbnails"] as? Int == 5)
        for name in ["gallery.png", "task.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: shotFolder.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(name) written")
        }
    }
}
