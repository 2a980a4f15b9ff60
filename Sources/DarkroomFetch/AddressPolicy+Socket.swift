import CCurl
import Foundation

extension AddressPolicy {
    /// The socket libcurl asked for, when the policy allows the address it is for: the one
    /// place every connection of a transfer under a policy is judged (each redirect, each
    /// address a name resolved to). `refused` says why not.
    func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>, refused: inout String?) -> curl_socket_t {
        let sockaddrPointer = UnsafeRawPointer(address) + MemoryLayout<curl_sockaddr>.offset(of: \.addr)!
        guard let ip = IPAddress(sockaddrPointer.assumingMemoryBound(to: sockaddr.self)) else {
            refused = "an address that is neither IPv4 nor IPv6"
            return CURL_SOCKET_BAD
        }
        if let refusal = refusal(for: ip) {
            refused = "\(ip) is \(refusal)"
            return CURL_SOCKET_BAD
        }
        return socket(address.pointee.family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
    }
}
