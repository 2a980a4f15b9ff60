import Foundation

/// Deterministic pseudo-random bytes (xorshift64*), so a body has no pattern a bug could hide in
/// and a failure reproduces.
public func pseudoRandomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Data {
    var state = seed | 1
    var data = Data(count: count)
    data.withUnsafeMutableBytes { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        var index = 0
        while index < count {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            var word = state &* 0x2545_F491_4F6C_DD1D
            for _ in 0..<8 where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
    }
    return data
}

/// A fresh empty folder under the system's temporary folder.
public func makeTemporaryFolder(_ label: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("darkroom-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// `sha256sum`'s digest of a file: a hash computed by other code than Darkroom's.
public func sha256sum(_ path: String) async throws -> String {
    let result = try await runChecked("sha256sum", [path])
    return String(result.stdout.prefix(64))
}
