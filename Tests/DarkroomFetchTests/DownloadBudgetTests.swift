import DarkroomFetch
import DarkroomTestSupport
import Foundation
import Testing

/// The downloads of one task share a byte cap and the free-space reserve: a body that would
/// fill the disk waits before it is taken, and a task's results together never pass its cap.
@Suite struct DownloadBudgetTests {
    let body = pseudoRandomBytes(1024 * 1024 + 5, seed: 9)
    let folder: URL

    init() throws {
        folder = try makeTemporaryFolder("budget")
    }

    @Test func aBodyThatWouldFillTheDiskIsRefusedBeforeItIsTaken() async throws {
        // A petabyte announced: more than any disk here has free, whatever else is running.
        let announced = 1 << 50
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: Data(count: 1024), contentLength: announced, dropAfter: 1024) }
        let fetcher = FetcherBasics.fetcher { $0.maxBytes = .max }
        let budget = DownloadBudget(maxTaskBytes: 0, minFreeBytes: 4096, folder: folder)
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.fetch(server.url("huge.mp4"), to: folder.appendingPathComponent("huge.mp4").path, budget: budget)
        }
        guard case .noSpace(let needed, let free, let reserve)? = error?.cause else {
            Issue.record("expected noSpace, got \(String(describing: error))")
            return
        }
        #expect(needed == Int64(announced) && free < needed && reserve == 4096)
        #expect(error?.description.contains("the task waits for space") == true, "\(error?.description ?? "")")
        #expect(error?.isTransient == false, "not retried at once: the job waits for space")
        #expect(server.receivedRequests.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [], "nothing written")
    }

    /// A length near Int64's end, announced by a server, is refused by the cap like any other.
    @Test func anAnnouncedLengthNearInt64sEndIsRefused() async throws {
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: Data(count: 16), contentLength: Int.max - 1, dropAfter: 16) }
        let fetcher = FetcherBasics.fetcher { $0.maxBytes = .max }
        let budget = DownloadBudget(maxTaskBytes: 1 << 40, minFreeBytes: 1, folder: folder)
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.fetch(server.url("b"), to: folder.appendingPathComponent("b").path, budget: budget)
        }
        #expect(error?.cause == .taskTooLarge(limit: 1 << 40), "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
    }

    @Test(arguments: [false, true])
    func aTasksResultsTogetherStayUnderItsCap(announced: Bool) async throws {
        let body = body
        let server = try TestHTTPServer { request in announced ? .file(body, for: request) : TestHTTPResponse(body: body, chunked: true) }
        let fetcher = FetcherBasics.fetcher()
        let cap = Int64(body.count) * 5 / 2
        let budget = DownloadBudget(maxTaskBytes: cap, minFreeBytes: 0, folder: folder)
        let folder = folder
        let results = await withTaskGroup(of: Result<FetchResult, FetchError>.self) { group in
            for index in 0..<3 {
                group.addTask {
                    do throws(FetchError) {
                        return .success(try await fetcher.fetch(
                            server.url("\(index).mp4"), to: folder.appendingPathComponent("\(index).mp4").path, budget: budget))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var results: [Result<FetchResult, FetchError>] = []
            for await result in group { results.append(result) }
            return results
        }
        let failures = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
        #expect(failures.map(\.cause) == [.taskTooLarge(limit: cap)], "exactly one refused: \(failures)")
        #expect(failures.first?.description.contains("larger than its limit of \(cap) bytes (--max-task-bytes)") == true)
        let kept = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(kept.count == 2, "the two within the cap are whole, the third left nothing: \(kept)")
        for name in kept {
            #expect(try Data(contentsOf: folder.appendingPathComponent(name)) == body)
        }
    }
}
