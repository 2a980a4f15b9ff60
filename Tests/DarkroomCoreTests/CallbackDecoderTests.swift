import DarkroomCore
import Foundation
import Testing

@Suite struct CallbackSampleTests {
    let decoder = CallbackDecoder()

    func sample(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try Data(contentsOf: url)
    }

    @Test func legacyVideoSucceed() throws {
        let event = try decoder.decode(sample("legacy-video-succeed"))
        #expect(event.taskID == "CjhGRWdYqgAAAAAAXyZc8Q")
        #expect(event.shape == .legacy)
        #expect(event.status == .succeeded)
        #expect(event.statusSpelling == "succeed")
        #expect(event.message == "")
        #expect(event.externalID == "order-1842")
        #expect(event.createdAt == Date(timeIntervalSince1970: 1_763_702_400))
        #expect(event.updatedAt == Date(timeIntervalSince1970: 1_763_702_532.117))
        #expect(event.videos == [ReportedVideo(
            id: "b3ad4c2e-0a41-4d3c-9a25-6f2b1e0c7d11",
            url: URL(string: "https://cdn.example.com/kling/b3ad4c2e.mp4")!,
            reportedDuration: 5.1
        )])
        #expect(event.images.isEmpty)
    }

    @Test func legacyVideoSucceededGatewaySpelling() throws {
        let event = try decoder.decode(sample("legacy-video-succeeded-gateway"))
        #expect(event.taskID == "831922345719271496")
        #expect(event.status == .succeeded)
        #expect(event.statusSpelling == "succeeded")
        #expect(event.externalID == nil)
        #expect(event.videos.map(\.reportedDuration) == [10])
        #expect(event.videos.map(\.id) == ["7d1c9e80-55aa-4f0b-8c6e-2b9f3a1d4e02"])
    }

    @Test func legacyImages() throws {
        let event = try decoder.decode(sample("legacy-images-succeed"))
        #expect(event.status == .succeeded)
        #expect(event.videos.isEmpty)
        #expect(event.images.map(\.index) == [0, 1, 2, 3])
        #expect(event.images.map(\.url.lastPathComponent) == ["img-0.png", "img-1.png", "img-2.jpg", "img-3.webp"])
    }

    @Test func legacyProcessing() throws {
        let event = try decoder.decode(sample("legacy-processing"))
        #expect(event.taskID == "CjhGRWdYqgAAAAAAXyZc8Q")
        #expect(event.status == .processing)
        #expect(event.videos.isEmpty && event.images.isEmpty)
    }

    @Test func legacyFailedKeepsMessage() throws {
        let event = try decoder.decode(sample("legacy-failed"))
        #expect(event.status == .failed)
        #expect(event.message == "Failure to pass the risk control system")
        #expect(event.updatedAt == Date(timeIntervalSince1970: 1_763_702_466.301))
    }

    @Test func newVideoSucceeded() throws {
        let event = try decoder.decode(sample("new-video-succeeded"))
        #expect(event.shape == .new)
        #expect(event.taskID == "913827032734642185")
        #expect(event.status == .succeeded)
        #expect(event.externalID == "campaign-7/shot-3")
        #expect(event.createdAt == Date(timeIntervalSince1970: 1_763_709_000))
        #expect(event.videos == [ReportedVideo(
            id: "913827032734642186",
            url: URL(string: "https://cdn.example.com/kling/913827032734642186.mp4")!,
            watermarkURL: URL(string: "https://cdn.example.com/kling/913827032734642186-wm.mp4")!,
            reportedDuration: 5
        )])
    }

    @Test func newTestCallback() throws {
        let event = try decoder.decode(sample("new-test-callback"))
        #expect(event.shape == .new)
        #expect(event.taskID == "913827032734642185")
        #expect(event.status == .submitted)
        #expect(event.updatedAt == Date(timeIntervalSince1970: 1_785_901_861.504))
        #expect(event.videos.isEmpty)
    }
}

@Suite struct CallbackVariantTests {
    let decoder = CallbackDecoder()

    func decode(_ json: String) throws(CallbackError) -> CallbackEvent {
        try decoder.decode(Data(json.utf8))
    }

    func error(_ json: String) -> CallbackError? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["succeed", "succeeded", "SUCCEED", "Succeeded", " succeeded "])
    func successSpellings(_ spelling: String) throws {
        #expect(try decode(#"{"task_id":"t","task_status":"\#(spelling)"}"#).status == .succeeded)
        #expect(try decode(#"{"id":"t","status":"\#(spelling)"}"#).status == .succeeded)
    }

    @Test func durationAsNumberOrString() throws {
        let event = try decode(#"""
            {"task_id":"t","task_status":"succeed","task_result":{"videos":[
              {"id":"a","url":"https://x/a.mp4","duration":5},
              {"id":"b","url":"https://x/b.mp4","duration":5.1},
              {"id":"c","url":"https://x/c.mp4","duration":"10"},
              {"id":"d","url":"https://x/d.mp4","duration":""},
              {"id":"e","url":"https://x/e.mp4"}]}}
            """#)
        #expect(event.videos.map(\.reportedDuration) == [5, 5.1, 10, nil, nil])
    }

    @Test func unknownFieldsAreIgnored() throws {
        let event = try decode(#"{"task_id":"t","task_status":"failed","surprise":{"deep":[1,2,3]},"task_result":{"audio":[]}}"#)
        #expect(event.status == .failed)
    }

    @Test func numericIDsBecomeExactStrings() throws {
        let event = try decode(#"{"id":913827032734642185,"status":"succeeded","outputs":[{"type":"video","id":913827032734642186,"url":"http://h/v.mp4"}]}"#)
        #expect(event.taskID == "913827032734642185")
        #expect(event.videos.map(\.id) == ["913827032734642186"])
    }

    /// JSON has one kind of number: 31978.0 is the integer 31978 (schemathesis sent one for the
    /// document's `type: integer`); beyond 2^53 a double may not be the number that was written.
    @Test func integralNumbersAreIDsUpToTwoToThe53() throws {
        #expect(try decode(#"{"id":"t","status":"submitted","external_id":31978.0}"#).externalID == "31978")
        #expect(error(#"{"id":"t","status":"submitted","external_id":1e17}"#)?.description == "external_id: expected a string or an integer id, found a number")
        #expect(error(#"{"id":"t","status":"submitted","external_id":-9223372036854775809}"#) != nil)
        #expect(error(#"{"id":"t","status":"submitted","external_id":1.5}"#) != nil)
    }

    /// NUL is no part of an id: no store could key a task by it.
    @Test func anIdWithANULIsRefused() {
        #expect(error(#"{"task_id":"a\u0000b","task_status":"submitted"}"#)?.description == "task_id: holds a NUL character")
        #expect(error(#"{"id":"t","status":"succeeded","outputs":[{"type":"video","id":"\u0000","url":"http://h/v.mp4"}]}"#) != nil)
    }

    /// Limits count characters (code points), as the API document's `maxLength` does.
    @Test func idLengthIsCountedInCharacters() throws {
        let long = String(repeating: "é", count: 1024)
        #expect(try decode(#"{"id":"\#(long)","status":"submitted"}"#).taskID == long)
        #expect(error(#"{"id":"\#(long)e","status":"submitted"}"#)?.description == "id: longer than 1024 characters")
    }

    /// Kling's query API: `data` is a callback in either shape; a non-zero code is a refusal.
    @Test func queryAnswersHoldACallback() throws {
        let answer = Data(#"{"code":0,"message":"SUCCEED","request_id":"r","data":{"task_id":"t","task_status":"succeed","task_result":{"videos":[{"id":"v","url":"https://x/v.mp4"}]}}}"#.utf8)
        guard case .task(let event) = try CallbackDecoder().decodeQueryAnswer(answer) else { Issue.record("no task"); return }
        #expect(event.taskID == "t" && event.status == .succeeded && event.videos.map(\.id) == ["v"])
        #expect(try CallbackDecoder().decode(answer) == event, "a stored poll answer decodes as the callback it holds")
        #expect(try CallbackDecoder().decodeQueryAnswer(Data(#"{"code":1201,"message":"task not found"}"#.utf8)) == .refused(code: 1201, message: "task not found"))
        #expect(throws: CallbackError.self) { try CallbackDecoder().decodeQueryAnswer(Data(#"{"code":0,"message":"ok"}"#.utf8)) }
        #expect(throws: CallbackError.self) { try CallbackDecoder().decodeQueryAnswer(Data(#"{"task_id":"t"}"#.utf8)) }
        let broken = Data(#"{"code":0,"data":{"task_id":"t","task_status":"maybe"}}"#.utf8)
        #expect(error(String(decoding: broken, as: UTF8.self))?.description.hasPrefix("data.task_status: unknown status") == true)
    }

    @Test func missingVideoIDsAndImageIndexesTakeTheirPosition() throws {
        let event = try decode(#"{"id":"t","status":"succeeded","outputs":[{"type":"video","url":"http://h/a.mp4"},{"type":"audio","url":"http://h/a.mp3"},{"type":"image","url":"http://h/i.png"},{"type":"video","url":"http://h/b.mp4"}]}"#)
        #expect(event.videos.map(\.id) == ["0", "1"])
        #expect(event.images.map(\.index) == [0])
    }

    @Test func notJSON() {
        let failure = error("task_id=abc&status=succeed")
        #expect(failure?.kind == .malformed)
        #expect(failure?.description.hasPrefix("body: not valid JSON") == true)
    }

    @Test func strictJSON() {
        #expect(error(#"{"a": 1,}"#)?.description == "body: not valid JSON (expected a quoted key at byte 8)")
        #expect(error(#"{"task_id":"a","task_status":"succeed","task_id":"b"}"#)?.description
            == #"body: not valid JSON (duplicate key "task_id" at byte 39)"#)
    }

    @Test(arguments: ["", "   \n"])
    func emptyBody(_ body: String) {
        #expect(error(body) == CallbackError(.malformed, at: .root, "empty"))
    }

    @Test func topLevelArray() {
        #expect(error(#"[{"task_id":"t"}]"#)?.description == "body: expected an object, found an array")
    }

    @Test func missingTaskIDIsIncomplete() {
        let legacy = error(#"{"task_status":"succeed"}"#)
        #expect(legacy?.kind == .incomplete)
        #expect(legacy?.path.description == "task_id")
        let new = error(#"{"status":"succeeded","outputs":[]}"#)
        #expect(new?.kind == .incomplete)
        #expect(new?.path.description == "id")
        #expect(error("{}")?.kind == .incomplete)
    }

    @Test func missingStatusIsIncomplete() {
        let failure = error(#"{"task_id":"t"}"#)
        #expect(failure?.kind == .incomplete)
        #expect(failure?.path.description == "task_status")
    }

    @Test func unknownStatus() {
        let failure = error(#"{"task_id":"t","task_status":"done"}"#)
        #expect(failure?.kind == .malformed)
        #expect(failure?.description == #"task_status: unknown status "done" (expected submitted, processing, succeed, succeeded or failed)"#)
    }

    @Test func emptyTaskID() {
        #expect(error(#"{"task_id":"","task_status":"failed"}"#)?.description == "task_id: is empty")
    }

    @Test func durationNotANumber() {
        let failure = error(#"{"task_id":"t","task_status":"succeed","task_result":{"videos":[{"id":"v","url":"https://x/v.mp4","duration":"abc"}]}}"#)
        #expect(failure?.description == #"task_result.videos[0].duration: not a number of seconds: "abc""#)
    }

    @Test func negativeDuration() {
        let failure = error(#"{"task_id":"t","task_status":"succeed","task_result":{"videos":[{"id":"v","url":"https://x/v.mp4","duration":-5}]}}"#)
        #expect(failure?.description == "task_result.videos[0].duration: negative duration: -5")
    }

    @Test(arguments: ["NaN", "nan", "inf", "-Infinity"])
    func nonFiniteDuration(_ text: String) {
        let failure = error(#"{"id":"t","status":"succeeded","outputs":[{"type":"video","url":"https://x/v.mp4","duration":"\#(text)"}]}"#)
        #expect(failure?.kind == .malformed)
        #expect(failure?.description.hasPrefix("outputs[0].duration: not a finite number of seconds") == true)
    }

    @Test(arguments: ["ftp://x/v.mp4", "file:///etc/passwd", "javascript:alert(1)", "/relative/v.mp4", "https://", "not a url"])
    func urlWithoutHTTPScheme(_ url: String) {
        let failure = error(#"{"task_id":"t","task_status":"succeed","task_result":{"videos":[{"id":"v","url":"\#(url)"}]}}"#)
        #expect(failure?.kind == .malformed)
        #expect(failure?.description.hasPrefix("task_result.videos[0].url: not an http(s) URL") == true)
    }

    @Test func missingURL() {
        #expect(error(#"{"id":"t","status":"succeeded","outputs":[{"type":"image"}]}"#)?.description == "outputs[0].url: missing")
    }

    @Test func wrongTypes() {
        #expect(error(#"{"task_id":"t","task_status":"succeed","task_result":{"videos":"v.mp4"}}"#)?.description
            == "task_result.videos: expected an array, found a string")
        #expect(error(#"{"task_id":"t","task_status":7}"#)?.description == "task_status: expected a string, found a number")
        #expect(error(#"{"task_id":"t","task_status":"failed","created_at":"yesterday"}"#)?.description
            == #"created_at: not an integer: "yesterday""#)
    }

    @Test func duplicateVideoIDs() {
        let failure = error(#"{"task_id":"t","task_status":"succeed","task_result":{"videos":[{"id":"v","url":"https://x/1.mp4"},{"id":"v","url":"https://x/2.mp4"}]}}"#)
        #expect(failure?.description == #"task_result.videos[1].id: duplicate video id "v""#)
    }

    @Test func tenThousandVideosAreRefused() {
        let video = #"{"id":"ID","url":"https://cdn.example.com/ID.mp4","duration":"5"}"#
        let videos = (0..<10_000).map { video.replacingOccurrences(of: "ID", with: "v\($0)") }.joined(separator: ",")
        let failure = error(#"{"task_id":"t","task_status":"succeed","task_result":{"videos":[\#(videos)]}}"#)
        #expect(failure?.kind == .malformed)
        #expect(failure?.description == "task_result: 10000 results; at most 100 are accepted in one callback")
    }

    @Test func theLimitIsConfigurable() throws {
        let videos = (0..<150).map { #"{"id":"v\#($0)","url":"https://x/\#($0).mp4"}"# }.joined(separator: ",")
        let body = Data(#"{"task_id":"t","task_status":"succeed","task_result":{"videos":[\#(videos)]}}"#.utf8)
        #expect(try CallbackDecoder(limits: CallbackLimits(maxResults: 200)).decode(body).videos.count == 150)
    }
}
