import DarkroomFetch

extension FetchError {
    /// libcurl's code when the cause is a transport failure, else nil: lets a test expect a
    /// precise code in one line, and fail on any other cause.
    var transportCode: Int? {
        guard case .transport(let code, _) = cause else { return nil }
        return code
    }
}
