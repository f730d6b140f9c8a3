import Episodes
@testable import SchemaValidation
import XCTest

final class JSONSchemaValidatorTests: XCTestCase {
    let schema: JSONValue = .object([
        "type": .string("object"),
        "properties": .object([
            "name": .object(["type": .string("string")]),
            "count": .object(["type": .string("integer")]),
            "mode": .object(["type": .string("string"), "enum": .array([.string("fast"), .string("safe")])]),
            "tags": .object(["type": .string("array"), "items": .object(["type": .string("string")])]),
            "id": .object(["type": .array([.string("integer"), .string("string")])]),
        ]),
        "required": .array([.string("name")]),
        "additionalProperties": .bool(false),
    ])

    func messages(_ value: JSONValue) -> [String] {
        JSONSchemaValidator(schema: schema).violations(of: value, at: "args").map(\.description)
    }

    func testConformingValuePasses() {
        XCTAssertEqual(messages(.object(["name": .string("a"), "count": .number(3), "mode": .string("safe"),
                                         "tags": .array([.string("x")]), "id": .string("7")])), [])
        XCTAssertEqual(messages(.object(["name": .string("a"), "id": .number(7)])), [])
    }

    func testEachKeywordCatchesItsViolation() {
        XCTAssertEqual(messages(.object([:])), ["args.name: required"])
        XCTAssertEqual(messages(.object(["name": .number(1)])), ["args.name: expected string, got number"])
        XCTAssertEqual(messages(.object(["name": .string("a"), "count": .number(2.5)])), ["args.count: expected integer, got number"])
        XCTAssertEqual(messages(.object(["name": .string("a"), "mode": .string("yolo")])), ["args.mode: must be one of \"fast\", \"safe\""])
        XCTAssertEqual(messages(.object(["name": .string("a"), "tags": .array([.string("x"), .bool(true)])])),
                       ["args.tags[1]: expected string, got boolean"])
        XCTAssertEqual(messages(.object(["name": .string("a"), "extra": .null])), ["args.extra: not an argument of this tool"])
        XCTAssertEqual(messages(.object(["name": .string("a"), "id": .bool(false)])), ["args.id: expected integer or string, got boolean"])
        XCTAssertEqual(messages(.array([])), ["args: expected object, got array"])
    }

    /// Every problem is reported, not just the first (a suite file shows all its errors at
    /// once); `problem(in:)`, the proxy's, is the first of them.
    func testAllViolationsAreReportedAndTheFirstIsTheProblem() {
        let value: JSONValue = .object(["count": .string("3"), "extra": .null])
        XCTAssertEqual(messages(value), ["args.name: required", "args.count: expected integer, got string", "args.extra: not an argument of this tool"])
        XCTAssertEqual(JSONSchemaValidator(schema: schema).problem(in: value), "arguments.name: required")
    }

    func testAdditionalPropertiesSchemaAppliesToUndeclaredKeys() {
        let open: JSONValue = .object(["type": .string("object"), "additionalProperties": .object(["type": .string("number")])])
        let found = JSONSchemaValidator(schema: open).violations(of: .object(["a": .number(1), "b": .string("x")]), at: "v")
        XCTAssertEqual(found.map(\.path), ["v.b"])
    }

    func testSchemaProblems() {
        let bad: JSONValue = .object(["type": .string("object"), "properties": .object(["a": .object(["type": .string("text")])]),
                                      "required": .string("a")])
        XCTAssertEqual(JSONSchemaValidator.schemaProblems(bad, at: "s").map(\.description), [
            "s.required: expected a list of key names",
            "s.properties.a.type: unknown type \"text\"",
        ])
    }

    func matches(_ pattern: String, _ text: String) -> Bool {
        let schema: JSONValue = .object(["type": .string("string"), "pattern": .string(pattern)])
        return JSONSchemaValidator(schema: schema).problem(in: .string(text)) == nil
    }

    func testSchemaPatternsMatchAsECMA262Does() {
        XCTAssertTrue(matches("^[A-Z]{2}[0-9]{6}$", "DE123456"))
        XCTAssertFalse(matches("^[A-Z]{2}[0-9]{6}$", "DE123456\n"), "ECMA-262 $ does not match before a final newline")
        XCTAssertFalse(matches(#"^\d+$"#, "١٢٣"), "ECMA-262 \\d is ASCII only")
        XCTAssertTrue(matches(#"^\d+$"#, "123"))
        XCTAssertFalse(matches(#"^\w+$"#, "naïve"), "ECMA-262 \\w is ASCII only")
        XCTAssertTrue(matches(#"^[\w.-]+$"#, "a_b.c-d"))
        XCTAssertFalse(matches(#"^[\d]+$"#, "١"))
        XCTAssertTrue(matches(#"^[[]+$"#, "[["), "[ inside a class is a literal")
        XCTAssertTrue(matches(#"^a[^]b$"#, "a\nb"), "[^] is any character")
        XCTAssertFalse(matches(#"\bé"#, "é"), "\\b is a boundary of ASCII word characters")
        XCTAssertTrue(matches("abc", "xxabcxx"), "a pattern is not anchored")
        XCTAssertFalse(matches("^abc$", "abc\n"))
        XCTAssertTrue(matches(#"^\s$"#, "\u{FEFF}"), "ECMA-262 \\s holds the zero-width no-break space")
        XCTAssertFalse(matches(#"^[\s]$"#, "\u{85}"), "and not NEL, which Unicode's White_Space holds")
    }
}
