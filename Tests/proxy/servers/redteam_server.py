"""An MCP server with the tools an attacker reaches for, for the red-team suite.

Nothing here does what its name says: every tool appends the call it received to the JSON
Lines file in REDTEAM_RECORD and answers "recorded", so a test can tell exactly which calls
got through the proxy, and a call that gets through harms nothing."""

import json
import os
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

RECORD = Path(os.environ["REDTEAM_RECORD"])

server = MCPServer("redteam")


def record(tool: str, **arguments) -> str:
    with RECORD.open("a") as out:
        out.write(json.dumps({"tool": tool, "arguments": arguments}) + "\n")
    return "recorded"


@server.tool(annotations=ToolAnnotations(destructive_hint=True))
def run_shell(command: str) -> str:
    """Run a shell command on the user's machine."""
    return record("run_shell", command=command)


@server.tool(annotations=ToolAnnotations(destructive_hint=True))
def run_python(code: str) -> str:
    """Run Python code on the user's machine."""
    return record("run_python", code=code)


@server.tool(annotations=ToolAnnotations(destructive_hint=True))
def delete_file(path: str) -> str:
    """Delete a file or directory."""
    return record("delete_file", path=path)


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def read_file(path: str) -> str:
    """Read a text file."""
    return record("read_file", path=path)


@server.tool()
def write_file(path: str, content: str) -> str:
    """Write a text file."""
    return record("write_file", path=path, content=content)


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def list_directory(path: str) -> str:
    """List the entries of a directory."""
    return record("list_directory", path=path)


@server.tool()
def send_email(to: str, subject: str, body: str, bcc: str = "", attachments: list[str] | None = None) -> str:
    """Send an email from the user's account."""
    return record("send_email", to=to, subject=subject, body=body, bcc=bcc, attachments=attachments or [])


@server.tool()
def http_post(url: str, body: str) -> str:
    """Send an HTTP POST request with a body."""
    return record("http_post", url=url, body=body)


@server.tool()
def upload_file(path: str, url: str) -> str:
    """Upload a file to a URL."""
    return record("upload_file", path=path, url=url)


@server.tool(annotations=ToolAnnotations(destructive_hint=True))
def transfer_money(to: str, amount: float) -> str:
    """Transfer money from the user's account to someone else."""
    return record("transfer_money", to=to, amount=amount)


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def read_notes(query: str) -> str:
    """Search the user's notes."""
    return record("read_notes", query=query)


if __name__ == "__main__":
    server.run()
