"""An MCP server in plain Python, for the proxy's protocol tests: it answers exactly what a test
asks for, including what no SDK server would send.

Tools: `big_text` (a text result of `size` bytes), `malformed_result` (content that is not an
array, isError that is not a boolean), `echo` (its `text` argument back; its description from RAW_ECHO_DESCRIPTION, if set). Resources: one, and
resource templates only when RAW_TEMPLATES is set; otherwise `resources/templates/list` is
answered -32601, as servers that have no templates do.
"""

import json
import os
import sys

NAME = os.environ.get("RAW_NAME", "raw")
TEMPLATES = bool(os.environ.get("RAW_TEMPLATES"))

TOOLS = [
    {"name": "big_text", "description": "A long text.",
     "inputSchema": {"type": "object", "properties": {"size": {"type": "integer"}}, "required": ["size"]}},
    {"name": "malformed_result", "description": "An answer of the wrong shape.",
     "inputSchema": {"type": "object", "properties": {}}},
    {"name": "echo", "description": os.environ.get("RAW_ECHO_DESCRIPTION", "Echo the text back."),
     "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}},
]


def result_for(method, params):
    if method == "initialize":
        return {"protocolVersion": params["protocolVersion"], "serverInfo": {"name": NAME, "version": "1"},
                "capabilities": {"tools": {}, "resources": {}, "logging": {}}}
    if method == "tools/list":
        return {"tools": TOOLS}
    if method == "tools/call":
        name, arguments = params["name"], params.get("arguments", {})
        if name == "big_text":
            return {"content": [{"type": "text", "text": "x" * arguments["size"]}]}
        if name == "malformed_result":
            return {"content": "not-an-array", "isError": "maybe"}
        return {"content": [{"type": "text", "text": arguments["text"]}]}
    if method == "resources/list":
        return {"resources": [{"uri": f"{NAME}://readme", "name": "readme"}]}
    if method == "resources/templates/list" and TEMPLATES:
        return {"resourceTemplates": [{"uriTemplate": f"{NAME}://notes/{{day}}", "name": "notes"}]}
    if method == "logging/setLevel":
        return {}
    return None


for line in sys.stdin:
    message = json.loads(line)
    if "id" not in message or "method" not in message:
        continue
    result = result_for(message["method"], message.get("params") or {})
    if result is None:
        reply = {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "Method not found"}}
    else:
        reply = {"jsonrpc": "2.0", "id": message["id"], "result": result}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
