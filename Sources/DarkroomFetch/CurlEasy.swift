import CCurl
import Foundation

/// One libcurl easy handle and the header list it points at; the one owner of both, freed in
/// `deinit`. Setters throw instead of letting an unsupported option pass silently.
package final class CurlEasy {
    package let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// Where libcurl writes the detail of its last failure (`CURLOPT_ERRORBUFFER`).
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    package init() {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        _ = darkroom_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// libcurl's own account of its last failure ("SSL certificate problem: certificate has
    /// expired"), when it gave one.
    package var errorDetail: String? {
        let text = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    package func set(_ option: CURLoption, _ value: Int) throws(CurlOptionError) {
        try check(darkroom_easy_setopt_long(handle, option, value), option)
    }

    package func set(_ option: CURLoption, _ value: Int64) throws(CurlOptionError) {
        try check(darkroom_easy_setopt_off(handle, option, curl_off_t(value)), option)
    }

    package func set(_ option: CURLoption, _ value: String) throws(CurlOptionError) {
        // libcurl copies string options (since 7.17), so the temporary C string may go.
        try check(darkroom_easy_setopt_string(handle, option, value), option)
    }

    package func set(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) throws(CurlOptionError) {
        try check(darkroom_easy_setopt_pointer(handle, option, value), option)
    }

    package func set(_ option: CURLoption, _ callback: darkroom_curl_data_callback) throws(CurlOptionError) {
        try check(darkroom_easy_setopt_data_callback(handle, option, callback), option)
    }

    package func setProgress(_ callback: darkroom_curl_xferinfo_callback) throws(CurlOptionError) {
        try check(darkroom_easy_setopt_xferinfo_callback(handle, callback), CURLOPT_XFERINFOFUNCTION)
    }

    func setOpenSocket(_ callback: darkroom_curl_opensocket_callback) throws(CurlOptionError) {
        try check(darkroom_easy_setopt_opensocket_callback(handle, callback), CURLOPT_OPENSOCKETFUNCTION)
    }

    /// Request headers; replaces any set before.
    package func setHeaders(_ headers: [String]) throws(CurlOptionError) {
        curl_slist_free_all(headerList)
        headerList = nil
        for header in headers {
            headerList = curl_slist_append(headerList, header)
        }
        try check(darkroom_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), CURLOPT_HTTPHEADER)
    }

    package func info(_ info: CURLINFO) -> Int {
        var value = 0
        return darkroom_easy_getinfo_long(handle, info, &value) == CURLE_OK ? value : 0
    }

    package func info(_ info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        return darkroom_easy_getinfo_off(handle, info, &value) == CURLE_OK ? Int64(value) : -1
    }

    package func info(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard darkroom_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    /// The last value of a response header of the last request (after redirects), if present.
    package func responseHeader(_ name: String) -> String? {
        var header: UnsafeMutablePointer<curl_header>?
        guard curl_easy_header(handle, name, 0, UInt32(CURLH_HEADER), -1, &header) == CURLHE_OK,
              let value = header?.pointee.value
        else { return nil }
        return String(cString: value)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlOptionError) {
        guard code == CURLE_OK else { throw CurlOptionError(option: option, code: code) }
    }
}

/// libcurl refused an option: a build without a feature, or a value out of range.
package struct CurlOptionError: Error {
    package let option: CURLoption
    package let code: CURLcode
}

/// `curl_global_init`, once per process, before any handle exists.
package enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    package static func ensureInitialized() {
        precondition(initialized, "curl_global_init failed")
    }
}

/// libcurl's text for a result code.
package func curlErrorText(_ code: CURLcode) -> String {
    String(cString: curl_easy_strerror(code))
}
