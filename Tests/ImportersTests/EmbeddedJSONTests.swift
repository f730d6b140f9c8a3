import Episodes
import XCTest
@testable import Importers

final class EmbeddedJSONTests: XCTestCase {
    func testPythonLiteralQuotingEscapesAndConstants() {
        XCTAssertEqual(PythonLiteral.parse(#"{'a': None, "b": (1, -2.5e1), 'c': [True, False], 'd': 'it\'s\n'}"#),
                       .object(["a": .null, "b": .array([.number(1), .number(-25)]), "c": .array([.bool(true), .bool(false)]), "d": .string("it's\n")]))
        XCTAssertNil(PythonLiteral.parse("{'a': 1"))
        XCTAssertNil(PythonLiteral.parse("[1, 2] trailing"))
    }

    func testTwiceEncodedJSONIsUnwrapped() {
        let twice = #""{\"x\": [1, 2]}""#
        XCTAssertEqual(EmbeddedJSON.decode(twice), .object(["x": .array([.number(1), .number(2)])]))
    }

    func testProseIsNotStructured() {
        XCTAssertNil(EmbeddedJSON.decode("Gift card redeemed. Balance: $1000"))
        XCTAssertEqual(EmbeddedJSON.observationText(.string("Gift card redeemed.")), "Gift card redeemed.")
        XCTAssertEqual(EmbeddedJSON.arguments(.string(#"{"search": "85" TV"}"#)), .string(#"{"search": "85" TV"}"#))
    }

    func testFencedJSONObservation() {
        XCTAssertEqual(EmbeddedJSON.observationText(.string("```json\n{\"ok\": true}\n```")), #"{"ok":true}"#)
    }

    func testArrayElementsCarryTheirLines() throws {
        let text = "{\n \"canary\": \"x\",\n \"behaviors\": [\n  {\"id\": \"a]\"},\n  {\"id\":\n   \"b\"}\n ]\n}\n"
        let rows = try JSONSource.arrayElements(of: text, key: "behaviors")
        XCTAssertEqual(rows.map(\.line), [4, 5])
        XCTAssertEqual(rows.map(\.text), [#"{"id": "a]"}"#, "{\"id\":\n   \"b\"}"])
    }
}
