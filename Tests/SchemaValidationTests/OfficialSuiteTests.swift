import Episodes
import Foundation
import SchemaValidation
import TestSupport
import XCTest

/// The official JSON Schema Test Suite (draft 2020-12), as `tools/setup.sh` fetches it from
/// PyPI, run for the keywords `JSONSchemaValidator` supports. A group whose schema uses any
/// other keyword (or a remote or `$id`-relative reference) is left out, since its outcome would
/// depend on what the validator ignores; every other case must come out as the suite says.
final class OfficialSuiteTests: XCTestCase {
    /// The suite's files for those keywords, and from `optional/` the ones about what they mean
    /// (ECMA-262 patterns, numbers beyond 64 bits).
    static let files = [
        "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
        "pattern", "minItems", "maxItems", "required", "properties", "additionalProperties", "items", "allOf", "anyOf",
        "oneOf", "not", "ref", "boolean_schema", "optional/bignum", "optional/ecmascript-regex", "optional/non-bmp-regex",
    ]

    static let keywords: Set<String> = [
        "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
        "pattern", "minItems", "maxItems", "required", "properties", "additionalProperties", "items", "allOf", "anyOf",
        "oneOf", "not", "$ref", "$defs", "definitions",
        // Annotations: no effect on validity.
        "$schema", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
    ]

    static func suiteFolder() throws -> URL {
        let configured = ProcessInfo.processInfo.environment["SAFEMCP_JSON_SCHEMA_SUITE"] ?? ""
        let folder = configured.isEmpty
            ? PythonRunner.packageRoot().appendingPathComponent(".venv/json-schema-test-suite/tests/draft2020-12")
            : URL(fileURLWithPath: configured)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("type.json").path) else {
            throw PythonRunner.Failure(description: "no JSON Schema Test Suite at \(folder.path): run `make test` (tools/setup.sh fetches it) or set SAFEMCP_JSON_SCHEMA_SUITE")
        }
        return folder
    }

    /// Whether every keyword of `schema`, and of every schema inside it, is one the validator
    /// reads or an annotation, and every reference is a JSON pointer into the same document.
    static func usesOnlySupportedKeywords(_ schema: JSONValue) -> Bool {
        guard case .object(let members) = schema else { return true }
        for (keyword, value) in members {
            guard keywords.contains(keyword) else { return false }
            switch keyword {
            case "$ref":
                guard case .string(let reference) = value, reference == "#" || reference.hasPrefix("#/") else { return false }
            case "properties", "$defs", "definitions":
                guard case .object(let schemas) = value, schemas.values.allSatisfy(usesOnlySupportedKeywords) else { return false }
            case "allOf", "anyOf", "oneOf":
                guard case .array(let schemas) = value, schemas.allSatisfy(usesOnlySupportedKeywords) else { return false }
            case "items", "additionalProperties", "not":
                guard usesOnlySupportedKeywords(value) else { return false }
            default:
                break
            }
        }
        return true
    }

    func testSupportedKeywordsAgreeWithTheOfficialSuite() throws {
        let folder = try Self.suiteFolder()
        var run = 0
        var skippedGroups: [String] = []
        var disagreements: [String] = []
        for file in Self.files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file + ".json"))
            let groups = try JSONDecoder().decode([JSONValue].self, from: data)
            var ranInFile = 0
            for group in groups {
                let title = group["description"]?.string ?? "?"
                guard let schema = group["schema"], Self.usesOnlySupportedKeywords(schema) else {
                    skippedGroups.append("\(file): \(title)")
                    continue
                }
                let validator = JSONSchemaValidator(schema: schema)
                for test in group["tests"]?.array ?? [] {
                    let name = "\(file): \(title): \(test["description"]?.string ?? "?")"
                    let valid = validator.violations(of: test["data"] ?? .null).isEmpty
                    if valid != test["valid"]?.bool { disagreements.append("\(name): the suite says valid=\(!valid)") }
                    run += 1
                    ranInFile += 1
                }
            }
            XCTAssertGreaterThan(ranInFile, 0, "\(file).json: no group ran")
        }
        XCTAssertEqual(disagreements, [])
        XCTAssertGreaterThan(run, 300, "cases run; groups left out: \(skippedGroups)")
        print("JSON Schema Test Suite: \(run) cases run, \(skippedGroups.count) groups left out for keywords not supported")
    }
}
