import Foundation

/// Reads the top-level boxes of an MP4 file, to tell whether its `moov` index comes before its
/// `mdat` media data ("fast start": playback can begin before the whole file has arrived).
enum MP4Layout {
    /// True when `moov` is found before `mdat`; false otherwise or when the file is not an MP4.
    static func isFaststart(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        var offset: UInt64 = 0
        while let header = try? handle.read(upToCount: 16), header.count >= 8 {
            let size32 = header.prefix(4).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let type = String(decoding: header[4..<8], as: UTF8.self)
            if type == "moov" { return true }
            if type == "mdat" { return false }
            let size: UInt64
            switch size32 {
            case 0: return false
            case 1:
                guard header.count == 16 else { return false }
                size = header[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            default: size = size32
            }
            guard size >= 8 else { return false }
            offset += size
            guard (try? handle.seek(toOffset: offset)) != nil else { return false }
        }
        return false
    }
}
