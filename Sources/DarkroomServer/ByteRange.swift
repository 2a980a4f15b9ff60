/// A `Range` request header for a file of `size` bytes (RFC 9110, section 14): one range of
/// `bytes=first-last`, `bytes=first-` or `bytes=-suffix`. Several ranges, or a header that is not
/// a byte range, are answered with the whole file, as the RFC allows.
enum ByteRange: Equatable {
    case whole
    case part(ClosedRange<Int>)
    /// No byte of the file is in the range: 416.
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else {
            self = .whole
            return
        }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2 else {
            self = .whole
            return
        }
        if bounds[0].isEmpty {
            guard let suffix = Int(bounds[1]) else {
                self = .whole
                return
            }
            self = suffix > 0 && size > 0 ? .part(max(0, size - suffix)...(size - 1)) : .unsatisfiable
            return
        }
        guard let first = Int(bounds[0]), first >= 0 else {
            self = .whole
            return
        }
        let last: Int
        if bounds[1].isEmpty {
            last = size - 1
        } else {
            guard let given = Int(bounds[1]), given >= first else {
                self = .whole
                return
            }
            last = min(given, size - 1)
        }
        self = first < size ? .part(first...last) : .unsatisfiable
    }
}
