import DarkroomCore
import Foundation

/// What `darkroom process` prints when it is done: where the task went, its verdict, one line
/// per asset and one per problem.
struct ProcessSummary {
    let index: TaskIndex
    /// Where the task is: its folder's path, or its `s3://` address.
    let folder: String

    var text: String {
        let files = index.files
        let bytes = files.reduce(0) { $0 + $1.bytes }
        var lines = [
            "archived task \(index.task.id) in \(folder)",
            "verdict: \(index.verdict.rawValue) (\(index.problems.count) problem\(index.problems.count == 1 ? "" : "s")); " +
                "\(index.videos.count) video(s), \(index.images.count) image(s), \(files.count + 1) files, \(ProgressBar.megabytes(Int64(bytes)))",
        ]
        for video in index.videos {
            var line = "  video \(video.id ?? "?")"
            if let probe = video.probe?.video {
                line += ": \(probe.codec) \(probe.width)x\(probe.height)"
            }
            if let check = video.durationCheck {
                line += String(format: ", %.3f s measured (%.3f reported)", check.measured, check.reported)
            } else if let measured = video.probe?.durationMeasured {
                line += String(format: ", %.3f s measured", measured)
            }
            line += ", \(video.thumbnails.count) thumbnails, renditions: " +
                (video.renditions.isEmpty ? "none" : video.renditions.map { "\($0.profile) (\($0.method.rawValue))" }.joined(separator: ", "))
            lines.append(line)
        }
        for image in index.images {
            var line = "  image \(image.index.map(String.init) ?? "?")"
            if let probe = image.probe { line += ": \(probe.codec) \(probe.width)x\(probe.height)" }
            lines.append(line)
        }
        for problem in index.problems {
            lines.append("  \(problem.severity.rawValue) \(problem.kind.rawValue) \(problem.asset): \(problem.message)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
