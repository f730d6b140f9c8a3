import MCP

/// The tool the proxy adds when no `--task` was given, so an agent can say what the user asked
/// for; tier 1 then offers the tools that task needs.
enum DeclareTask {
    static let name = "declare_task"
    static let metaKey = "safemcp/task"

    static let definition: Value = .object([
        "name": .string(name),
        "description": .string("""
            Tell the safemcp proxy what the user asked you to do, in the user's words, before using other tools. \
            Tools are offered according to the declared task; declaring a new task starts a fresh history.
            """),
        "inputSchema": .object([
            "type": "object",
            "properties": .object([
                "task": .object(["type": "string", "minLength": .int(1), "description": "The user's request, verbatim."]),
            ]),
            "required": .array(["task"]),
            "additionalProperties": .bool(false),
        ]),
        "annotations": .object(["readOnlyHint": .bool(true)]),
    ])
}
