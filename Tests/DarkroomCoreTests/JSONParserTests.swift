import DarkroomCore
import DarkroomTestSupport
import Foundation
import Testing

@Suite struct JSONParserTests {
    func parse(_ text: String) throws(JSONParser.SyntaxError) -> JSONValue {
        try JSONParser.parse(Data(text.utf8))
    }

    func failure(_ bytes: [UInt8]) -> JSONParser.SyntaxError? {
        do {
            _ = try JSONParser.parse(Data(bytes))
            return nil
        } catch {
            return error
        }
    }

    func failure(_ text: String) -> JSONParser.SyntaxError? {
        failure(Array(text.utf8))
    }

    @Test func documentsOfEveryKind() throws {
        let value = try parse(#" { "a" : [1, -2, 0, -0, 1.5, -2.5E-3, 1e3, true, false, null, "x", {}, []], "b": {"c": {"d": "e"}} } "#)
        #expect(value == .object([
            "a": .array([
                .integer(1), .integer(-2), .integer(0), .integer(0), .number(1.5), .number(-0.0025), .number(1000),
                .bool(true), .bool(false), .null, .string("x"), .object([:]), .array([]),
            ]),
            "b": .object(["c": .object(["d": .string("e")])]),
        ]))
        #expect(try parse("\t\r\n42\n") == .integer(42))
        #expect(try parse(#""only a string""#) == .string("only a string"))
    }

    @Test func integersKeepTheirPrecisionAndLargerOnesBecomeNumbers() throws {
        #expect(try parse("[9223372036854775807, -9223372036854775808, 913827032734642186]") == .array([
            .integer(.max), .integer(.min), .integer(913_827_032_734_642_186),
        ]))
        #expect(try parse("9223372036854775808") == .number(9_223_372_036_854_775_808))
        #expect(try parse("1763702532117") == .integer(1_763_702_532_117))
    }

    @Test func escapesAndUTF8() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""caf\u00e9 \u00C9 \ud83d\ude00 x""#) == .string("café É 😀 x"))
        #expect(try parse(#""déjà vu 動画 🎬""#) == .string("déjà vu 動画 🎬"))
        #expect(try parse(#"{"k\u00e9y": "a\"b"}"#) == .object(["kéy": .string("a\"b")]))
    }

    @Test(arguments: [
        (#"{"a": 1,}"#, "expected a quoted key at byte 8"),
        ("[1, 2,]", "unexpected ']' at byte 6"),
        ("[1 2]", "expected ',' or ']' in an array at byte 3"),
        (#"{"a" 1}"#, "expected ':' after a key at byte 5"),
        ("{a: 1}", "expected a quoted key at byte 1"),
        ("['a']", "unexpected ''' at byte 1"),
        ("01", "a number with a leading zero at byte 1"),
        ("-", "a number needs a digit at byte 1"),
        ("+1", "unexpected '+' at byte 0"),
        (".5", "unexpected '.' at byte 0"),
        ("1.", "a number needs a digit after '.' at byte 2"),
        ("1e", "a number needs a digit in its exponent at byte 2"),
        ("1e999", "the number 1e999 is out of range at byte 0"),
        ("NaN", "unexpected 'N' at byte 0"),
        ("tru", "unexpected 't' at byte 0"),
        ("nulls", "unexpected 's' after the value at byte 4"),
        ("{} {}", "unexpected '{' after the value at byte 3"),
        ("// c\n{}", "unexpected '/' at byte 0"),
        ("", "unexpected end of input at byte 0"),
        ("[", "unexpected end of input at byte 1"),
        (#"{"a": "b"#, "unterminated string at byte 6"),
        (#""a\x""#, #"invalid escape \'x' at byte 3"#),
        (#""\u12""#, #"a \u escape needs four hex digits at byte 3"#),
        (#""\u12G4""#, #"a \u escape needs four hex digits at byte 5"#),
        (#""\ud83d""#, "a high surrogate escape without its low surrogate at byte 1"),
        (#""\ud83d\u0041""#, "a high surrogate escape without its low surrogate at byte 1"),
        (#""\ude00""#, "a low surrogate escape without its high surrogate at byte 1"),
        (#"{"id": "a", "id": "b"}"#, #"duplicate key "id" at byte 12"#),
    ])
    func refusals(_ text: String, _ message: String) {
        #expect(failure(text)?.description == message)
    }

    @Test func controlCharactersAndInvalidUTF8InStrings() {
        #expect(failure("\"a\u{1}b\"")?.description == "a control character in a string must be escaped at byte 2")
        #expect(failure("\"a\nb\"")?.description == "a control character in a string must be escaped at byte 2")
        #expect(failure([0x22, 0x61, 0xFF, 0x22])?.description == "a string that is not valid UTF-8 at byte 0")
        #expect(failure([0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22])?.description == "a string that is not valid UTF-8 at byte 1")
        #expect(failure([0xEF, 0xBB, 0xBF, 0x7B, 0x7D])?.description == "unexpected byte 0xEF at byte 0")
    }

    @Test func nestingIsBounded() throws {
        let deepest = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try parse(deepest) }
        let tooDeep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(failure(tooDeep)?.description == "nesting deeper than \(JSONParser.maxDepth) levels at byte \(JSONParser.maxDepth)")
        // A hostile body of a million brackets is refused, not a stack overflow.
        #expect(failure(String(repeating: "[", count: 1_000_000)) != nil)
    }

    /// What Foundation's parser reads, this one reads the same, on the project's sample callbacks.
    @Test func samplesParseAsFoundationReadsThem() throws {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let samples = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        #expect(samples.count >= 4)
        for sample in samples {
            let data = try Data(contentsOf: sample)
            let ours = try JSONParser.parse(data)
            let foundation = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            #expect(Self.same(ours, foundation), "\(sample.lastPathComponent)")
        }
    }

    private static func same(_ value: JSONValue, _ object: Any) -> Bool {
        switch value {
        case .null: return object is NSNull
        case .bool(let bool): return (object as? Bool) == bool
        case .integer(let integer): return (object as? NSNumber)?.int64Value == integer
        case .number(let number): return (object as? NSNumber)?.doubleValue == number
        case .string(let string): return (object as? String) == string
        case .array(let elements):
            guard let array = object as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { same($0, $1) }
        case .object(let fields):
            guard let dictionary = object as? [String: Any], dictionary.count == fields.count else { return false }
            return fields.allSatisfy { key, field in dictionary[key].map { same(field, $0) } ?? false }
        }
    }
}

/// Random documents written by Foundation's serializer read back as the trees they were made from.
@Suite struct JSONParserRoundTripTests {
    static let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "é", "動", "😀", "\u{7F}", "\u{2028}"]

    func randomString(_ rng: inout SeededGenerator) -> String {
        String((0..<Int.random(in: 0...12, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! })
    }

    func randomTree(_ depth: Int, _ rng: inout SeededGenerator) -> (JSONValue, Any) {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &rng) {
        case 0: return (.null, NSNull())
        case 1:
            let bool = Bool.random(using: &rng)
            return (.bool(bool), bool)
        case 2:
            let integer = Int64.random(in: .min ... .max, using: &rng) >> Int64.random(in: 0...63, using: &rng)
            return (.integer(integer), NSNumber(value: integer))
        case 3:
            // (2k + 1) / 128: exact in binary, and never whole (a serializer writes 2215.0 as 2215).
            let number = Double(2 * Int.random(in: -1_000_000...1_000_000, using: &rng) + 1) / 128
            return (.number(number), NSNumber(value: number))
        case 4:
            let string = randomString(&rng)
            return (.string(string), string)
        case 5:
            let elements = (0..<Int.random(in: 0...4, using: &rng)).map { _ in randomTree(depth + 1, &rng) }
            return (.array(elements.map(\.0)), elements.map(\.1))
        default:
            var fields: [String: JSONValue] = [:]
            var object: [String: Any] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let key = randomString(&rng)
                let (value, any) = randomTree(depth + 1, &rng)
                fields[key] = value
                object[key] = any
            }
            return (.object(fields), object)
        }
    }

    @Test func foundationsOutputReadsBackAsItsTree() throws {
        var rng = SeededGenerator(seed: 2026)
        for _ in 0..<2_000 {
            let (tree, object) = randomTree(0, &rng)
            let text = try JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed])
            let parsed = try JSONParser.parse(text)
            #expect(parsed == tree, "\(String(decoding: text, as: UTF8.self))")
            if parsed != tree { return }
        }
    }
}
