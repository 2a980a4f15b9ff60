import Hummingbird

/// A method a path does not take is a 405 naming the ones it does (`Allow`), as HTTP asks and
/// the OpenAPI document says, rather than the router's 404 (which would claim the path does not
/// exist). Registered beside each route, in the same group, so access rules apply alike.
enum MethodNotAllowed {
    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options, .trace]

    /// `allowed` is what the path takes; a GET path takes HEAD too (the router makes it).
    static func add(to router: some RouterMethods<DarkroomRequestContext>, _ path: RouterPath, allowed: [HTTPRequest.Method]) {
        let taken = allowed.flatMap { $0 == .get ? [.get, .head] : [$0] }
        let allow = taken.map(\.rawValue).joined(separator: ", ")
        for method in methods where !taken.contains(method) {
            router.on(path, method: method) { request, context -> Response in
                let sent = (context.sentMethod ?? request.method).rawValue
                throw HTTPError(.methodNotAllowed, headers: [.allow: allow], message: "\(sent) is not a method of this path; it takes \(allow)")
            }
        }
    }
}
