/// What counts as this machine, judged by the address and never by how a name reads:
/// `127.evil.com` is a name like any other, `127.0.0.2` and `::1` are loopback addresses.
public enum Loopback {
    /// Whether `address` is in 127.0.0.0/8 or is ::1 (an IPv4-mapped `::ffff:127.x.y.z` too).
    public static func contains(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let value):
            return value >> 24 == 127
        case .v6(let bytes):
            if bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
            let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
            return mapped && bytes[12] == 127
        }
    }

    /// Whether a host as written in a setting or a `Host` header (`localhost`, an address,
    /// `[::1]`, each with an optional `:port`) names this machine. A `Host` that is a name other
    /// than `localhost` is not: that is how a DNS rebinding page presents itself.
    public static func isLoopbackHost(_ text: String) -> Bool {
        var host = Substring(text)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && isPort(rest.dropFirst())) else { return false }
            host = host[host.index(after: host.startIndex)..<close]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard isPort(host[host.index(after: colon)...]) else { return false }
            host = host[..<colon]
        }
        if host.lowercased() == "localhost" || host.lowercased() == "localhost." { return true }
        return IPAddress(String(host)).map { contains($0) } ?? false
    }

    private static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
    }
}
