import Environments
import Episodes
import XCTest

final class JSONSchemaCheckerTests: XCTestCase {
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
        JSONSchemaChecker.violations(of: value, against: schema, at: "args").map { "\($0.path): \($0.message)" }
    }

    func testConformingValuePasses() {
        XCTAssertEqual(messages(.object(["name": .string("a"), "count": .number(3), "mode": .string("safe"),
                                         "tags": .array([.string("x")]), "id": .string("7")])), [])
        XCTAssertEqual(messages(.object(["name": .string("a"), "id": .number(7)])), [])
    }

    func testEachKeywordCatchesItsViolation() {
        XCTAssertEqual(messages(.object([:])), ["args: missing required key \"name\""])
        XCTAssertEqual(messages(.object(["name": .number(1)])), ["args.name: expected string, found an integer"])
        XCTAssertEqual(messages(.object(["name": .string("a"), "count": .number(2.5)])), ["args.count: expected integer, found a number"])
        XCTAssertEqual(messages(.object(["name": .string("a"), "mode": .string("yolo")])), ["args.mode: \"yolo\" is not one of [\"fast\", \"safe\"]"])
        XCTAssertEqual(messages(.object(["name": .string("a"), "tags": .array([.string("x"), .bool(true)])])),
                       ["args.tags[1]: expected string, found a boolean"])
        XCTAssertEqual(messages(.object(["name": .string("a"), "extra": .null])), ["args: unexpected key \"extra\""])
        XCTAssertEqual(messages(.object(["name": .string("a"), "id": .bool(false)])), ["args.id: expected one of integer, string, found a boolean"])
        XCTAssertEqual(messages(.array([])), ["args: expected object, found a list"])
    }

    func testAdditionalPropertiesSchemaAppliesToUndeclaredKeys() {
        let open: JSONValue = .object(["type": .string("object"), "additionalProperties": .object(["type": .string("number")])])
        let found = JSONSchemaChecker.violations(of: .object(["a": .number(1), "b": .string("x")]), against: open, at: "v")
        XCTAssertEqual(found.map(\.path), ["v.b"])
    }

    func testSchemaProblems() {
        let bad: JSONValue = .object(["type": .string("object"), "properties": .object(["a": .object(["type": .string("text")])]),
                                      "required": .string("a")])
        XCTAssertEqual(JSONSchemaChecker.schemaProblems(bad, at: "s").map { "\($0.path): \($0.message)" }, [
            "s.required: expected a list of key names",
            "s.properties.a.type: unknown type \"text\"",
        ])
    }
}
