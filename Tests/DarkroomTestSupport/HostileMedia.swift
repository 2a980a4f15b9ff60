import Foundation

/// Files made to break a media pipeline, byte by byte.
public enum HostileMedia {
    /// A 33-byte PNG: the signature and an IHDR chunk whose header says 4294967295 × 4294967295,
    /// with nothing after it. Its pixel count does not fit in 64 bits.
    public static let hugePNG: Data = {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        bytes += Array("IHDR".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 8, 6, 0, 0, 0]
        bytes += [0, 0, 0, 0]
        return Data(bytes)
    }()
}
