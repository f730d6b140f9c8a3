import Episodes
import SchemaValidation

/// The rule `argument-schema`: a call whose arguments break its tool's input JSON Schema is
/// refused before anything runs, with the path that is wrong.
enum ArgumentSchemaRule {
    static func finding(tool: String, schema: JSONValue, arguments: JSONValue) -> RuleFinding? {
        guard let problem = JSONSchemaValidator(schema: schema).problem(in: arguments) else { return nil }
        return RuleFinding(rule: "argument-schema", reason: "tool \(tool): invalid arguments: \(problem)")
    }
}
