import ArgumentParser
import Foundation

/// Prints `darkroom: <message>` as one line on stderr and exits with `code`.
func fail(_ message: CustomStringConvertible, code: Int32 = 1) -> ExitCode {
    let line = "darkroom: " + String(describing: message).replacingOccurrences(of: "\n", with: " ") + "\n"
    FileHandle.standardError.write(Data(line.utf8))
    return ExitCode(code)
}

/// Pretty, key-sorted JSON on stdout, for people and for `jq` alike.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
}
