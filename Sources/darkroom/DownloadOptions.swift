import ArgumentParser
import DarkroomFetch

/// The download settings that `fetch` and `process` share.
struct DownloadOptions: ParsableArguments {
    @Option(help: "The largest file accepted, in bytes.")
    var maxBytes: Int64 = FetchOptions().maxBytes

    @Option(help: "Attempts after the first, for transient failures.")
    var retries: Int = FetchOptions().retry.maxAttempts - 1

    @Flag(help: "Allow loopback, private, link-local and other non-public addresses (local use).")
    var allowPrivate = false

    @Option(help: ArgumentHelp(
        "A PEM file of the CAs to trust for https URLs instead of the system's (a private CA). Default: $SSL_CERT_FILE, else $CURL_CA_BUNDLE, else the system's.",
        valueName: "file"))
    var caBundle: String?

    func validate() throws {
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more.") }
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be more than 0.") }
    }

    var fetchOptions: FetchOptions {
        FetchOptions(
            maxBytes: maxBytes,
            retry: RetryPolicy(maxAttempts: retries + 1),
            addressPolicy: AddressPolicy(allowPrivate: allowPrivate),
            caBundle: caBundle ?? FetchOptions.environmentCABundle
        )
    }
}
