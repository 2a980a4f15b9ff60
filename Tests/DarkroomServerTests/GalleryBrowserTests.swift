import DarkroomTestSupport
import Foundation
import Testing

/// The gallery in a real browser: headless Chromium (Debian's, driven by selenium) loads the
/// grid and a task page of an archive made by the running binary, and the DOM is checked —
/// posters loaded, verdict badges, the player's H.264 source playable, the storyboard's cues
/// read, the task page's facts, problems, storyboard label, history and hashes. Screenshots are
/// the test's attachments (`scripts/test.sh` writes them to `.build/attachments/`). Three times: with the archive in a folder, in
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
        def full_page(name):
            # The whole page, not the window's first 900 pixels.
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(1200, max(900, min(height, 6000)))
            driver.save_screenshot(shots + "/" + name)
            driver.set_window_size(1200, 900)
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
                const scrub = document.querySelector("input.scrub"), problems = document.querySelector("#problems");
                const report = () => done({readyState: video.readyState, width: video.videoWidth, error: video.error && video.error.code,
                  cues: video.textTracks[0].cues ? video.textTracks[0].cues.length : 0,
                  thumbnails: [...document.querySelectorAll(".thumbs img")].length,
                  scrubLabel: scrub && scrub.labels.length ? scrub.labels[0].textContent : null,
                  problemsFirst: !!problems && !!(problems.compareDocumentPosition(video) & Node.DOCUMENT_POSITION_FOLLOWING),
                  problem: problems ? problems.querySelector("li").innerText : null,
                  durationCheck: document.querySelector(".duration-check").innerText,
                  facts: Object.fromEntries([...document.querySelectorAll("table.facts tr")].map(r => [r.cells[0].textContent, r.cells[1].textContent])),
                  statuses: [...document.querySelectorAll("#history tr td:nth-child(2)")].map(c => c.innerText),
                  copyButtons: [...document.querySelectorAll("button.copy")].filter(b => !b.hidden && b.offsetWidth > 0).length,
                  hashes: [...document.querySelectorAll("#files code")].length});
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
            full_page("task.png")
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

        let shotFolder = folder.appendingPathComponent("screenshots")
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
        #expect(page["scrubLabel"] as? String == "Storyboard: drag to preview frames, let go to jump there", "\(page)")
        #expect(page["problemsFirst"] as? Bool == true, "\(page)")
        #expect((page["problem"] as? String)?.contains("Watch it to the end before publishing") == true, "\(page)")
        #expect(page["durationCheck"] as? String == "Lasts 2 s, 3 s shorter than the 5 s the generator reported (more than the 0.5 s allowed). does not match", "\(page)")
        let facts = try #require(page["facts"] as? [String: String])
        #expect(facts["resolution"] == "320×180" && facts["aspect ratio"] == "16:9" && facts["frame rate"] == "30 fps" && facts["duration"] == "2 s", "\(facts)")
        #expect(page["statuses"] as? [String] == ["succeeded"], "one spelling: \(page)")
        let hashes = try #require(page["hashes"] as? Int)
        #expect(hashes > 5 && page["copyButtons"] as? Int == hashes, "a copy button beside each hash: \(page)")
        for name in ["gallery.png", "task.png"] {
            let shot = try Data(contentsOf: shotFolder.appendingPathComponent(name))
            #expect(shot.count > 10_000, "\(name) written")
            Attachment.record(shot, named: "\(archive.rawValue)-\(name)")
        }
    }
}
