"""Helpers for the proxy tests: start the built `safemcp proxy` in front of real MCP servers
and talk to it with the Python MCP SDK's client, over stdio or Streamable HTTP."""

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

ROOT = Path(__file__).resolve().parents[2]
SERVERS = Path(__file__).resolve().parent / "servers"
RISKY = [sys.executable, str(SERVERS / "risky_server.py")]
POISONED = [sys.executable, str(SERVERS / "poisoned_server.py")]
BIN_DIR = Path(sys.executable).parent


def safemcp_binary() -> str:
    path = Path(os.environ.get("SAFEMCP_BIN", ROOT / ".build/debug/safemcp"))
    if not path.is_absolute():
        path = ROOT / path
    if not path.exists():
        pytest.fail(f"{path} does not exist: run `swift build` first (or set SAFEMCP_BIN)")
    return str(path)


def run(body):
    """Runs an async test body to completion."""
    anyio.run(body)


class Notifications:
    """Records the server notifications a client session receives."""

    def __init__(self):
        self.methods: list[str] = []

    async def __call__(self, message):
        if not isinstance(message, Exception):
            self.methods.append(message.method)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10):
        with anyio.fail_after(timeout):
            while self.methods.count(method) < count:
                await anyio.sleep(0.02)


@contextlib.asynccontextmanager
async def proxy_stdio(proxy_args, upstream=None, env=None):
    """A client session with `safemcp proxy PROXY_ARGS -- UPSTREAM` over stdio."""
    args = ["proxy", *proxy_args]
    if upstream is not None:
        args += ["--", *upstream]
    notifications = Notifications()
    params = StdioServerParameters(command=safemcp_binary(), args=args, env={**os.environ, **(env or {})})
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, message_handler=notifications) as session:
            await session.initialize()
            session.notifications = notifications
            yield session


@contextlib.asynccontextmanager
async def direct_stdio(command, env=None):
    """A client session straight to an upstream, for comparing results."""
    params = StdioServerParameters(command=command[0], args=command[1:], env={**os.environ, **(env or {})})
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            yield session


class HTTPProxy:
    """`safemcp proxy --http 127.0.0.1:0` as a background process; `url` is where it serves."""

    def __init__(self, proxy_args, upstream, env=None):
        command = [safemcp_binary(), "proxy", *proxy_args, "--http", "127.0.0.1:0", "--", *upstream]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 30
        self.url = None
        self.log: list[str] = []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.log.append(line)
            found = re.search(r"serving Streamable HTTP at (\S+)", line)
            if found:
                self.url = found.group(1)
                break
        if self.url is None:
            self.close()
            pytest.fail("the HTTP proxy did not start:\n" + "".join(self.log))

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@contextlib.asynccontextmanager
async def http_session(url):
    notifications = Notifications()
    async with streamable_http_client(url) as (read, write):
        async with ClientSession(read, write, message_handler=notifications) as session:
            await session.initialize()
            session.notifications = notifications
            yield session


def read_audit(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def tool_names(listing) -> list[str]:
    return [tool.name for tool in listing.tools]


def text_of(result) -> str:
    return "\n".join(part.text for part in result.content if getattr(part, "type", "") == "text")


@pytest.fixture
def risky_root(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "notes.txt").write_text("keep me")
    return root
