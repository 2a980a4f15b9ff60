import DarkroomCore
import Foundation

/// One video to verify and process: where it is, where its outputs go, and how they are named.
struct VideoJob: Sendable {
    let path: String
    /// The folder outputs are written into (`poster.jpg`, `thumbs/`, `web.mp4`, …).
    let folder: URL
    /// Put before each output's name in the index (`videos/<id>/`).
    let prefix: String
    let settings: MediaSettings
}
