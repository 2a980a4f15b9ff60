/// The media type of an archived file, from its extension (Darkroom names every file itself).
public enum MediaType {
    public static func of(_ path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        let dot = name.lastIndex(of: ".")
        switch dot.map({ name[name.index(after: $0)...].lowercased() }) ?? "" {
        case "mp4": return "video/mp4"
        case "webm": return "video/webm"
        case "mkv": return "video/x-matroska"
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "webp": return "image/webp"
        case "vtt": return "text/vtt; charset=utf-8"
        case "json": return "application/json"
        default: return "application/octet-stream"
        }
    }
}
