/// Which addresses downloads may connect to. By default only public ones: a callback names its
/// own URLs, and a URL that leads into loopback, a private network, link-local (cloud metadata
/// services live there), CGNAT, multicast or unspecified space is refused, in IPv4 and IPv6 alike,
/// IPv6 forms that carry an IPv4 address judged by that address.
///
/// The fetcher applies it in libcurl's open-socket callback, to the address about to be
/// connected: after DNS, for every redirect, so a name that resolves differently between a check
/// and a connect cannot slip past.
public struct AddressPolicy: Sendable, Equatable {
    /// Let every address through (local use and tests).
    public var allowPrivate: Bool
    /// Restricted blocks let through anyway, e.g. an internal CDN at `10.8.0.0/16`.
    public var allowedNetworks: [IPNetwork]

    public init(allowPrivate: Bool = false, allowedNetworks: [IPNetwork] = []) {
        self.allowPrivate = allowPrivate
        self.allowedNetworks = allowedNetworks
    }

    /// Nil when `address` may be connected to; otherwise why not, e.g. "a private address".
    public func refusal(for address: IPAddress) -> String? {
        if allowPrivate || allowedNetworks.contains(where: { $0.contains(address) }) { return nil }
        return Self.restriction(of: address)
    }

    /// The kind of restricted space `address` is in, or nil for a public address.
    public static func restriction(of address: IPAddress) -> String? {
        if let v4 = address.embeddedV4 { return restriction(of: .v4(v4)) }
        let table = if case .v4 = address { v4Ranges } else { v6Ranges }
        return table.first { $0.network.contains(address) }?.kind
    }

    private static let v4Ranges: [(network: IPNetwork, kind: String)] = [
        ("0.0.0.0/8", "an unspecified address"),
        ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a carrier-grade NAT address"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"),
        ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "a reserved address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a reserved address"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),
    ].map { (IPNetwork($0)!, $1) }

    private static let v6Ranges: [(network: IPNetwork, kind: String)] = [
        ("::/128", "an unspecified address"),
        ("::1/128", "a loopback address"),
        ("fc00::/7", "a private address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", "a multicast address"),
    ].map { (IPNetwork($0)!, $1) }
}
