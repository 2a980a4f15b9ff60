import DarkroomCore

/// The file name a downloaded source is stored under: `source.` and an extension from what the
/// content is (as probed), never from the URL. Content Darkroom cannot read is kept as
/// `source.bin`, so that nothing downloaded is lost.
enum SourceName {
    static func video(_ probe: ProbeResult?) -> String {
        guard let probe else { return "source.bin" }
        let formats = probe.container.split(separator: ",")
        let ext: String
        if formats.contains("mp4") {
            ext = "mp4"
        } else if formats.contains("webm") {
            ext = ["vp8", "vp9", "av1"].contains(probe.video?.codec ?? "") ? "webm" : "mkv"
        } else if let known = ["avi", "flv", "ogg"].first(where: { formats.contains(Substring($0)) }) {
            ext = known
        } else {
            ext = "bin"
        }
        return "source." + ext
    }

    static func image(_ probe: ImageProbe?) -> String {
        "source." + (probe?.fileExtension ?? "bin")
    }
}
