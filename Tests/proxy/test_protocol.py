"""Protocol strictness and bounded resources: what the proxy does with messages that are too
large, ids and params of the wrong type, upstream answers of the wrong shape, and upstreams
that lack a list method. Raw JSON-RPC lines and raw HTTP, since the SDK client never sends
most of these."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conftest import SERVERS, HTTPProxy, safemcp_binary

RAW = [sys.executable, str(SERVERS / "raw_server.py")]
INITIALIZE = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}


class RawProxy:
    """`safemcp proxy` on stdio, spoken to one JSON-RPC line at a time."""

    def __init__(self, proxy_args, upstream=RAW, upstream_args=None, env=None):
        command = [safemcp_binary(), "proxy", "--policy", "rules", *proxy_args]
        command += upstream_args if upstream_args is not None else ["--", *upstream]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env={**os.environ, **(env or {})})
        assert self.exchange(INITIALIZE)["result"]["serverInfo"]["name"] == "safemcp-proxy"

    def send_line(self, line: bytes):
        self.process.stdin.write(line + b"\n")
        self.process.stdin.flush()

    def receive(self) -> dict:
        return json.loads(self.process.stdout.readline())

    def exchange(self, message) -> dict:
        self.send_line(json.dumps(message).encode())
        return self.receive()

    def call(self, id, name, arguments) -> dict:
        return self.exchange({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": name, "arguments": arguments}})

    def resident_kb(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    def close(self) -> str:
        self.process.stdin.close()
        self.process.wait(timeout=20)
        return self.process.stderr.read().decode()


@pytest.fixture
def raw_proxy():
    opened = []

    def start(*args, **kwargs):
        proxy = RawProxy(*args, **kwargs)
        opened.append(proxy)
        return proxy

    yield start
    for proxy in opened:
        if proxy.process.poll() is None:
            proxy.process.kill()


def test_memory_stays_bounded_over_many_large_calls(raw_proxy):
    proxy = raw_proxy(["--task", "Echo some text"])
    megabyte = "a" * 1_000_000
    for index in range(20):
        assert proxy.call(index + 1, "no_such_tool", {"text": megabyte})["result"]["isError"] is True
    warm = proxy.resident_kb()
    for index in range(20, 150):
        name = "echo" if index % 2 else "no_such_tool"
        assert "result" in proxy.call(index + 1, name, {"text": megabyte})
    # Keeping the arguments alone would be 130 MB more here; the bound is generous on purpose.
    assert proxy.resident_kb() < warm + 100_000


def test_an_oversized_message_from_the_agent_is_refused_with_its_id(raw_proxy):
    proxy = raw_proxy(["--max-message-bytes", "100000"])
    big = json.dumps({"jsonrpc": "2.0", "id": 41, "method": "tools/call",
                      "params": {"name": "echo", "arguments": {"text": "a" * 3_000_000}}})
    proxy.send_line(big.encode())
    refused = proxy.receive()
    assert refused["id"] == 41 and refused["error"]["code"] == -32600
    assert "100000" in refused["error"]["message"] and "--max-message-bytes" in refused["error"]["message"]
    assert proxy.exchange({"jsonrpc": "2.0", "id": 42, "method": "ping"}) == {"jsonrpc": "2.0", "id": 42, "result": {}}


def test_an_oversized_upstream_result_fails_that_call_only(raw_proxy):
    proxy = raw_proxy(["--max-message-bytes", "1000000", "--task", "Echo some text"])
    too_big = proxy.call(1, "big_text", {"size": 5_000_000})
    assert "error" in too_big or too_big["result"]["isError"] is True
    assert "--max-message-bytes" in json.dumps(too_big)
    fits = proxy.call(2, "big_text", {"size": 500_000})
    assert fits["result"]["content"][0]["text"] == "x" * 500_000
    assert "upstream raw" in proxy.close()


def test_params_of_the_wrong_shape_are_refused_by_the_proxy(raw_proxy):
    proxy = raw_proxy(["--upstream-timeout", "20"])
    for method, params in [("logging/setLevel", []), ("logging/setLevel", {"level": "loud"}), ("tools/list", []),
                           ("tools/call", {"name": "echo", "arguments": "text"}), ("resources/list", {"cursor": 3}),
                           ("prompts/get", {"name": "x", "arguments": {"a": 1}})]:
        answer = proxy.exchange({"jsonrpc": "2.0", "id": 5, "method": method, "params": params})
        assert answer["error"]["code"] == -32602, (method, params, answer)
        assert "params" in answer["error"]["message"], answer
    assert proxy.exchange({"jsonrpc": "2.0", "id": 6, "method": "logging/setLevel", "params": {"level": "debug"}})["result"] == {}


def test_an_upstream_result_of_the_wrong_shape_becomes_an_error_result(raw_proxy):
    proxy = raw_proxy([])
    answer = proxy.call(1, "malformed_result", {})["result"]
    assert answer["isError"] is True and isinstance(answer["content"], list)
    assert "content" in answer["content"][0]["text"] and "not-an-array" not in json.dumps(answer)
    assert "invalid tools/call result" in proxy.close()


def test_resource_templates_merge_over_upstreams_that_lack_them(raw_proxy):
    proxy = raw_proxy([], upstream_args=["--upstream", f"plain={RAW[0]} {RAW[1]}",
                                         "--upstreams", str(write_upstreams_file())], env={})
    templates = proxy.exchange({"jsonrpc": "2.0", "id": 2, "method": "resources/templates/list"})
    assert [t["name"] for t in templates["result"]["resourceTemplates"]] == ["notes"]
    resources = proxy.exchange({"jsonrpc": "2.0", "id": 3, "method": "resources/list"})
    assert sorted(r["uri"] for r in resources["result"]["resources"]) == ["raw://readme", "tpl://readme"]


def write_upstreams_file():
    import tempfile
    path = os.path.join(tempfile.mkdtemp(), "upstreams.json")
    with open(path, "w") as file:
        json.dump({"templated": {"command": ["/usr/bin/env", "RAW_TEMPLATES=1", "RAW_NAME=tpl", *RAW]}}, file)
    return path


def post(url, body: bytes, session=None):
    headers = {"content-type": "application/json", "accept": "application/json, text/event-stream",
               "mcp-protocol-version": "2025-06-18"}
    if session:
        headers["mcp-session-id"] = session
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize("id_text", ["true", "-9223372036854775809", "1.5", "9223372036854775808", "null", "[]", "{}"])
def test_http_requests_with_invalid_ids_get_invalid_request(id_text):
    proxy = HTTPProxy(["--policy", "rules"], RAW)
    try:
        status, headers, _ = post(proxy.url, json.dumps(INITIALIZE).encode())
        session = next((value for name, value in headers.items() if name.lower() == "mcp-session-id"), None)
        assert status == 200 and session
        status, _, body = post(proxy.url, f'{{"jsonrpc": "2.0", "id": {id_text}, "method": "ping"}}'.encode(), session)
        assert status == 400, (status, body)
        assert json.loads(body)["error"]["code"] == -32600
    finally:
        proxy.close()


def test_http_bodies_over_the_limit_are_refused(tmp_path):
    proxy = HTTPProxy(["--policy", "rules", "--max-message-bytes", "100000"], RAW)
    try:
        body = json.dumps({**INITIALIZE, "id": 9, "params": {**INITIALIZE["params"], "pad": "a" * 500_000}}).encode()
        status, _, answer = post(proxy.url, body)
        assert status == 413
        error = json.loads(answer)
        assert error["id"] == 9 and error["error"]["code"] == -32600 and "--max-message-bytes" in error["error"]["message"]
    finally:
        proxy.close()


def test_an_unquoted_upstream_command_is_explained(tmp_path):
    done = subprocess.run([safemcp_binary(), "proxy", "--policy", "rules", "--upstream", f"raw={RAW[0]}", RAW[1], "--db-path", "x.db"],
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    assert "--db-path" in done.stderr and "one quoted word" in done.stderr, done.stderr
    shown = subprocess.run([safemcp_binary(), "proxy", "--help"], capture_output=True, text=True, timeout=30).stdout
    assert "--upstream 'sqlite=uvx mcp-server-sqlite --db-path" in shown


def test_a_port_in_use_is_named_before_any_upstream_starts(tmp_path):
    import socket
    marker = tmp_path / "started"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([safemcp_binary(), "proxy", "--policy", "rules", "--http", f"127.0.0.1:{port}", "--",
                               sys.executable, "-c", f"open({str(marker)!r}, 'w')"],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    assert f"port 127.0.0.1:{port} is in use" in done.stderr, done.stderr
    assert "bind(descriptor" not in done.stderr and not marker.exists()


def test_serving_every_interface_is_warned_about():
    process = subprocess.Popen([safemcp_binary(), "proxy", "--policy", "rules", "--http", "0.0.0.0:0", "--", *RAW],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True)
    try:
        lines = []
        while not any("serving Streamable HTTP" in line for line in lines):
            line = process.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
        assert any("WARNING" in line and "0.0.0.0" in line and "every network interface" in line for line in lines), lines
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_pins_survive_a_restart_and_a_changed_definition_waits_for_acceptance(raw_proxy, tmp_path):
    pins = tmp_path / "pins.json"
    changed = {"RAW_ECHO_DESCRIPTION": "Repeat the given text, word for word."}

    def listed(proxy):
        return [tool["name"] for tool in proxy.exchange({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})["result"]["tools"]]

    first = raw_proxy(["--pins", str(pins)])
    assert "echo" in listed(first)
    first.close()
    assert "raw_server/echo" in json.loads(pins.read_text())["pins"]

    second = raw_proxy(["--pins", str(pins)], env=changed)
    assert "echo" not in listed(second)
    refused = second.call(2, "echo", {"text": "hi"})["result"]
    assert refused["isError"] and refused["structuredContent"]["rule"] == "definition-pinning"
    second.close()

    shown = subprocess.run([safemcp_binary(), "pins", "list", str(pins)], capture_output=True, text=True, timeout=30)
    assert shown.returncode == 0 and "raw_server/echo" in shown.stdout and "changed" in shown.stdout, shown.stdout
    accepted = subprocess.run([safemcp_binary(), "pins", "accept", str(pins), "raw_server/echo"], capture_output=True, text=True, timeout=30)
    assert accepted.returncode == 0, accepted.stderr
    unknown = subprocess.run([safemcp_binary(), "pins", "accept", str(pins), "raw_server/nothing"], capture_output=True, text=True, timeout=30)
    assert unknown.returncode != 0 and "raw_server/nothing" in unknown.stderr

    third = raw_proxy(["--pins", str(pins)], env=changed)
    assert "echo" in listed(third)


def wait_for_stderr(process, text, timeout=20):
    import select
    import time
    seen, deadline = "", time.monotonic() + timeout
    while text not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 0.2)
        if ready:
            seen += os.read(process.stderr.fileno(), 65536).decode()
    return seen


def test_sighup_reloads_the_policy_and_keeps_the_session(raw_proxy, tmp_path):
    import signal
    proxy = raw_proxy([])
    proxy.process.send_signal(signal.SIGHUP)
    assert "SIGHUP: reloaded the policy (rules)" in wait_for_stderr(proxy.process, "SIGHUP")
    assert proxy.exchange({"jsonrpc": "2.0", "id": 3, "method": "ping"})["result"] == {}

    torn = tmp_path / "policy.h5"
    torn.write_bytes(b"\x89HDF\r\n\x1a\n")
    failing = raw_proxy(["--policy", str(torn), "--fail-open"])
    failing.process.send_signal(signal.SIGHUP)
    said = wait_for_stderr(failing.process, "keeping")
    assert "SIGHUP: keeping the policy rules" in said and "policy.h5" in said, said
    assert failing.exchange({"jsonrpc": "2.0", "id": 4, "method": "ping"})["result"] == {}
