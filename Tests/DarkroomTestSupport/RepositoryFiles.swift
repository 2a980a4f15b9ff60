import Foundation

/// Files of this repository that tests read: the sample callbacks and the index file's schema.
public enum RepositoryFiles {
    /// The repository's root, found from this source file's place in it.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A sample callback from `shared/examples/callbacks/`, as copied into the Core tests' fixtures.
    public static func sampleCallback(_ name: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent("Tests/DarkroomCoreTests/Fixtures/\(name)"))
    }

    public static var indexSchema: URL { root.appendingPathComponent("docs/index.schema.json") }

    /// The Python that `scripts/setup.sh --tests` gives jsonschema and standardwebhooks.
    public static var python: String {
        let venv = root.appendingPathComponent(".build-python/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }
}

/// Checks JSON documents against a JSON Schema with the `jsonschema` package for Python: a
/// validator written by others, so the schema and Darkroom's output are held to it, not to
/// Darkroom's own reading of them. Returns one line per violation, `<json path>: <message>`,
/// with the kind of rule broken first (`required`, `additionalProperties`, …).
public func jsonSchemaViolations(of document: URL, schema: URL = RepositoryFiles.indexSchema) async throws -> [String] {
    let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        for error in jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))):
            print(error.validator + " " + error.json_path + ": " + error.message)
        """
    let result = try await runChecked(RepositoryFiles.python, ["-c", script, schema.path, document.path])
    return result.stdout.split(separator: "\n").map(String.init)
}
