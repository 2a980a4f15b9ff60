import DarkroomCore
import Foundation

/// One result of a task, with the folder it gets in the task folder: `videos/<id>` or
/// `images/<index>`, the id made safe. That folder is also its name in problems and progress.
enum Asset: Sendable {
    case video(ReportedVideo)
    case image(ReportedImage)

    var name: String {
        switch self {
        case .video(let video): "videos/" + SafeName.pathComponent(for: video.id)
        case .image(let image): "images/\(image.index)"
        }
    }

    var url: URL {
        switch self {
        case .video(let video): video.url
        case .image(let image): image.url
        }
    }

    static func all(of event: CallbackEvent) -> [Asset] {
        event.videos.map(Asset.video) + event.images.map(Asset.image)
    }

    /// Where the download goes in the asset's folder, until the content tells its extension.
    static let downloadName = ".download"
}

/// What the archiver needs of any asset's index entry.
protocol AssetEntry {
    var problems: [Problem] { get }
}

extension VideoEntry: AssetEntry {}
extension ImageEntry: AssetEntry {}
