import Crypto
import Foundation

/// Turns an id from a callback (task id, video id) into one part of a path that cannot leave
/// its folder or hide: the id itself when it matches `[A-Za-z0-9._-]{1,128}` and does not start
/// with a dot, otherwise `@` and the first 32 hex digits of its SHA-256. `@` is outside the
/// allowed set, so a derived name never equals an id used as it is; the index keeps the original.
public enum SafeName {
    public static func pathComponent(for id: String) -> String {
        isSafe(id) ? id : "@" + SHA256.hash(data: Data(id.utf8)).prefix(16).hexString
    }

    public static func isSafe(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...128).contains(bytes.count), bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
