extension Int64 {
    /// A query parameter's number as the OpenAPI document's pattern states it: ASCII digits only
    /// (no sign, no spaces), at most 18 of them, so it always fits.
    init?(decimalDigits text: String) {
        guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        self.init(text)
    }
}
