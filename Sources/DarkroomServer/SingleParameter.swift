import Hummingbird

extension Request {
    /// A query parameter's one value. Given more than once it is a 400: which of them counts
    /// would be a guess, and the OpenAPI document says each is given once.
    func singleParameter(_ name: String) throws -> String? {
        let values = uri.queryParameters.getAll(name)
        guard values.count <= 1 else { throw HTTPError(.badRequest, message: "\(name) is given more than once") }
        return values.first.map { String($0) }
    }
}
