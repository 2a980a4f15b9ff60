import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// `serve --tls-cert FILE --tls-key FILE`: HTTPS without a proxy in front, TLS 1.2 and later.
/// Both files are read at start, so a wrong path or a key that does not fit stops the server
/// with the reason before it listens.
enum ServerTLS {
    static func builder(_ base: HTTPServerBuilder, certificate: String, key: String) throws(ServerStartError) -> HTTPServerBuilder {
        let chain: [NIOSSLCertificate]
        let privateKey: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw ServerStartError(description: "cannot read the TLS certificate \(certificate) (--tls-cert): \(error)")
        }
        guard !chain.isEmpty else {
            throw ServerStartError(description: "the TLS certificate file \(certificate) (--tls-cert) holds no PEM certificate")
        }
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw ServerStartError(description: "cannot read the TLS key \(key) (--tls-key): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: configuration)
            return try .tls(base, tlsConfiguration: configuration)
        } catch {
            throw ServerStartError(description: "the TLS certificate \(certificate) and key \(key) cannot be used together: \(error)")
        }
    }
}
