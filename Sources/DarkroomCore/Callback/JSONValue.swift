import Foundation

/// Any JSON document, as `JSONParser` reads it, without loss of integer precision.
///
/// Integers that fit in `Int64` stay `.integer` (Kling's ids and millisecond times exceed what a
/// `Double` holds exactly); other numbers are `.number`.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
