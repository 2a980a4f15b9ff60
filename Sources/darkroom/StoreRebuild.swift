import DarkroomArchive
import DarkroomCore
import DarkroomQueue
import Foundation

/// Puts back into the task store every archived task it does not know, from the archive alone:
/// each task's index and its `callback.json`. What a bucket has for a catalog, and what brings
/// `GET /v1/tasks` back after the database was lost.
struct StoreRebuild {
    let archive: any ArchiveStore
    let store: any TaskStore
    let scratch: URL

    struct Outcome {
        var restored = 0
        var known = 0
        var skipped: [String] = []
    }

    func run() async throws -> Outcome {
        var outcome = Outcome()
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for folder in try await archive.taskFolders() {
            do {
                let index = try await archive.index(of: folder)
                let copy = scratch.appendingPathComponent(UUID().uuidString)
                try await archive.copy(index.callback, of: index, to: copy)
                let body = try Data(contentsOf: copy)
                try? FileManager.default.removeItem(at: copy)
                guard let provider = Providers.named(index.task.provider) else {
                    outcome.skipped.append("\(folder): its provider \(LogText.escaped(index.task.provider, limit: 40)) is not one this darkroom knows")
                    continue
                }
                let event = try provider.decodeCallback(body)
                let callback = ReceivedCallback(event: event, body: body, tags: index.task.tags, receivedAt: index.receivedAt)
                if try await store.restore(index, callback: callback) { outcome.restored += 1 } else { outcome.known += 1 }
            } catch {
                outcome.skipped.append("\(folder): \(error)")
            }
        }
        return outcome
    }
}
