import Foundation

/// What the first bytes of a still image say: its format (by signature, whatever the file is
/// called) and its size, read from the header without decoding anything, so a hostile header
/// is refused before a decoder allocates the picture it promises.
struct ImageHeader: Equatable {
    enum Format: String {
        case png, jpeg, webp

        /// The demuxer that reads this format from its bytes alone.
        var demuxer: String { "\(self == .jpeg ? "jpeg" : rawValue)_pipe" }
    }

    let format: Format
    /// Nil when the header does not state it where expected (the decoder then decides, still
    /// bounded by its `max_pixels`).
    let width: Int?
    let height: Int?

    /// Reads the header of the file at `path`; nil when it is not a PNG, JPEG or WebP.
    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        // Enough for any PNG or WebP header, and for the JPEG frame header after typical
        // EXIF/ICC segments.
        guard let data = try? handle.read(upToCount: 256 * 1024) else { return nil }
        self.init(bytes: [UInt8](data))
    }

    init?(bytes: [UInt8]) {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            format = .png
            // IHDR is always the first chunk: width and height at 16 and 20, big-endian.
            let ihdr = bytes.count >= 24 && bytes[12..<16].elementsEqual("IHDR".utf8)
            width = ihdr ? Self.bigEndian(bytes, 16, 4) : nil
            height = ihdr ? Self.bigEndian(bytes, 20, 4) : nil
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            format = .jpeg
            let size = Self.jpegFrameSize(bytes)
            width = size?.width
            height = size?.height
        } else if bytes.count >= 16, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) {
            format = .webp
            let size = Self.webpSize(bytes)
            width = size?.width
            height = size?.height
        } else {
            return nil
        }
    }

    /// The size in the first start-of-frame segment (SOF0…SOF15 but DHT, JPG and DAC).
    private static func jpegFrameSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var offset = 2
        while offset + 9 < bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF { offset += 1; continue }
            let length = bigEndian(bytes, offset + 2, 2)
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (bigEndian(bytes, offset + 7, 2), bigEndian(bytes, offset + 5, 2))
            }
            offset += 2 + length
        }
        return nil
    }

    /// The canvas size of a lossy (VP8), lossless (VP8L) or extended (VP8X) WebP.
    private static func webpSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count >= 30 else { return nil }
        switch String(decoding: bytes[12..<16], as: UTF8.self) {
        case "VP8X":
            return (littleEndian(bytes, 24, 3) + 1, littleEndian(bytes, 27, 3) + 1)
        case "VP8L":
            let bits = littleEndian(bytes, 21, 4)
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8 ":
            return (littleEndian(bytes, 26, 2) & 0x3FFF, littleEndian(bytes, 28, 2) & 0x3FFF)
        default:
            return nil
        }
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<offset + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
