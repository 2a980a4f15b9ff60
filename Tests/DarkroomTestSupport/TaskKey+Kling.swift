import DarkroomCore

/// Kling's task `id`: the tests' tasks are Kling's unless a test is about providers.
public func kling(_ id: String) -> TaskKey {
    TaskKey(provider: Kling.name, id: id)
}
