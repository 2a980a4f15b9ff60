import DarkroomCore
import Hummingbird

extension Request {
    /// A query parameter's one value. Given more than once it is a 400: which of them counts
    /// would be a guess, and the OpenAPI document says each is given once.
    func singleParameter(_ name: String) throws -> String? {
        let values = uri.queryParameters.getAll(name)
        guard values.count <= 1 else { throw HTTPError(.badRequest, message: "\(name) is given more than once") }
        return values.first.map { String($0) }
    }

    /// `?provider=`, the provider of the task a route names: Kling when absent or empty.
    func provider() throws -> String {
        guard let name = try singleParameter("provider"), !name.isEmpty else { return Kling.name }
        guard Providers.isName(name) else {
            throw HTTPError(.badRequest, message: "provider must be 1 to 32 of a-z, 0-9 and -")
        }
        return name
    }
}
