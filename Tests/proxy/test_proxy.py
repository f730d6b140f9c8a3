"""The proxy against real MCP peers: the Python SDK's client on one side, our risky server,
mcp-server-time and mcp-server-git on the other."""

import json
import os
import re
import signal
import socket
import subprocess

import anyio
import urllib.error
import urllib.request
import pytest

from conftest import (BIN_DIR, RISKY, HTTPProxy, direct_stdio, http_session, proxy_stdio, read_audit,
                      run, safemcp_binary, text_of, tool_names)


def test_withheld_tool_is_absent_from_the_list_and_refused_by_name(risky_root, tmp_path):
    audit = tmp_path / "audit.jsonl"

    async def body():
        async with proxy_stdio(["--policy", "rules", "--audit", str(audit)], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            names = tool_names(await session.list_tools())
            assert "get_weather" in names and "declare_task" in names
            assert "delete_file" not in names and "run_shell" not in names and "transfer_money" not in names
            result = await session.call_tool("delete_file", {"path": "notes.txt"})
            assert result.is_error
            assert result.structured_content["blocked"] is True
            assert result.structured_content["rule"] == "withheld-tool"
            assert result.structured_content["verdict"] == "unsafe"
            unknown = await session.call_tool("format_disk", {})
            assert unknown.is_error and unknown.structured_content["rule"] == "unknown-tool"

    run(body)
    assert (risky_root / "notes.txt").read_text() == "keep me"
    calls = [event for event in read_audit(audit) if event["kind"] == "call"]
    assert [event["tool"] for event in calls] == ["delete_file", "format_disk"]
    assert all(event["blocked"] for event in calls)


def test_harmful_call_is_blocked_with_the_structured_result(risky_root, tmp_path):
    audit = tmp_path / "audit.jsonl"
    (risky_root / "marker").write_text("x")

    async def body():
        async with proxy_stdio(["--policy", "rules", "--task", "Run the cleanup script in the shell", "--audit", str(audit)],
                               RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            assert "run_shell" in tool_names(await session.list_tools())
            # Leetspeak and a Cyrillic 'м' do not hide the command from the rules.
            result = await session.call_tool("run_shell", {"command": "r\u043c -rf ./* ; cat /etc/pa55wd"})
            assert result.is_error
            content = result.structured_content
            assert set(content) == {"blocked", "verdict", "confidence", "reason", "rule"}
            assert content["blocked"] is True and content["verdict"] == "unsafe"
            assert content["rule"] == "policy:rules" and 0 < content["confidence"] <= 1
            assert "\n" not in text_of(result) and text_of(result).startswith("Blocked by safemcp proxy")

    run(body)
    assert (risky_root / "marker").exists()
    event = [e for e in read_audit(audit) if e["kind"] == "call"][-1]
    assert event["step"]["action"]["tool"] == "run_shell" and event["step"]["label"] == "unsafe"
    assert event["step"]["pending"] is True and "observation" not in event["step"]
    assert event["verdict"] == "unsafe" and event["blocked"] is True and event["latency_ms"] >= event["decision_ms"]


def test_benign_call_passes_with_the_upstreams_own_result(risky_root):
    time_server = [str(BIN_DIR / "mcp-server-time"), "--local-timezone", "UTC"]
    arguments = {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"}

    async def body():
        async with direct_stdio(time_server) as direct:
            expected = await direct.call_tool("convert_time", arguments)
        async with proxy_stdio(["--policy", "rules", "--task", "What time is noon UTC in Tokyo?"], time_server) as session:
            assert "convert_time" in tool_names(await session.list_tools())
            got = await session.call_tool("convert_time", arguments)
        assert not got.is_error
        assert text_of(got) == text_of(expected) and "Asia/Tokyo" in text_of(got)

        async with direct_stdio(RISKY, {"RISKY_ROOT": str(risky_root)}) as direct:
            expected = await direct.call_tool("read_file", {"path": "notes.txt"})
        async with proxy_stdio(["--policy", "rules"], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            got = await session.call_tool("read_file", {"path": "notes.txt"})
        assert not got.is_error and text_of(got) == text_of(expected) == "keep me"
        assert got.structured_content == expected.structured_content

    run(body)


def test_git_server_on_a_temporary_repository(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "README").write_text("hello\n")
    subprocess.run(git + ["add", "README"], check=True)
    subprocess.run(git + ["commit", "-qm", "first commit"], check=True)
    (repo / "README").write_text("hello, changed\n")
    git_server = [str(BIN_DIR / "mcp-server-git"), "--repository", str(repo)]

    async def body():
        async with direct_stdio(git_server) as direct:
            expected = await direct.call_tool("git_status", {"repo_path": str(repo)})
        async with proxy_stdio(["--policy", "rules", "--task", "Show me the status of my repository"], git_server) as session:
            names = tool_names(await session.list_tools())
            assert "git_status" in names and "git_log" in names
            assert "git_reset" not in names
            status = await session.call_tool("git_status", {"repo_path": str(repo)})
            assert not status.is_error and text_of(status) == text_of(expected) and "README" in text_of(status)
            log = await session.call_tool("git_log", {"repo_path": str(repo)})
            assert "first commit" in text_of(log)
            reset = await session.call_tool("git_reset", {"repo_path": str(repo)})
            assert reset.is_error and reset.structured_content["rule"] == "withheld-tool"

    run(body)
    assert (repo / "README").read_text() == "hello, changed\n"


def test_rug_pull_is_caught(risky_root, tmp_path):
    audit = tmp_path / "audit.jsonl"

    async def body():
        async with proxy_stdio(["--policy", "rules", "--audit", str(audit)], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            assert "get_weather" in tool_names(await session.list_tools())
            assert not (await session.call_tool("get_weather", {"city": "Oslo"})).is_error
            await session.call_tool("rotate_descriptions", {})
            await session.notifications.wait_for("notifications/tools/list_changed")
            assert "get_weather" not in tool_names(await session.list_tools())
            result = await session.call_tool("get_weather", {"city": "Oslo"})
            assert result.is_error and result.structured_content["rule"] == "definition-pinning"
            assert "SAF-T1201" in text_of(result)

    run(body)
    findings = [e for e in read_audit(audit) if e["kind"] == "definition" and e["tool"] == "get_weather"]
    assert any(e["technique"] == "SAF-T1201" for e in findings)


def test_poisoned_descriptions_are_flagged(risky_root, tmp_path):
    audit = tmp_path / "audit.jsonl"

    async def body():
        async with proxy_stdio(["--policy", "rules", "--audit", str(audit)], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            names = tool_names(await session.list_tools())
            assert "add_numbers" not in names and "count_words" not in names
            result = await session.call_tool("add_numbers", {"a": 1, "b": 2})
            assert result.is_error and result.structured_content["rule"] == "description-scan"

    run(body)
    techniques = {(e["tool"], e["technique"]) for e in read_audit(audit) if e["kind"] == "definition"}
    assert ("add_numbers", "SAF-T1001") in techniques
    assert ("count_words", "SAF-T1402") in techniques


def test_invalid_argument_is_refused(risky_root):
    async def body():
        async with proxy_stdio(["--policy", "rules", "--task", "Transfer 20 dollars to alice"], RISKY,
                               {"RISKY_ROOT": str(risky_root)}) as session:
            assert "transfer_money" in tool_names(await session.list_tools())
            result = await session.call_tool("transfer_money", {"to": "alice", "amount": "all of it"})
            assert result.is_error and result.structured_content["rule"] == "argument-schema"
            assert "arguments.amount" in result.structured_content["reason"]
            missing = await session.call_tool("get_weather", {})
            assert missing.is_error and "arguments.city: required" in missing.structured_content["reason"]

    run(body)
    assert not (risky_root / "ledger.json").exists()


def test_critical_verdict_tightens_tier_one_and_announces_it(risky_root):
    async def body():
        async with proxy_stdio(["--policy", "rules", "--task", "Transfer 20 dollars to alice"], RISKY,
                               {"RISKY_ROOT": str(risky_root)}) as session:
            assert "transfer_money" in tool_names(await session.list_tools())
            first = await session.call_tool("transfer_money", {"to": "alice", "amount": 20})
            assert not first.is_error
            await session.notifications.wait_for("notifications/tools/list_changed")
            assert "transfer_money" not in tool_names(await session.list_tools())
            again = await session.call_tool("transfer_money", {"to": "mallory", "amount": 5000})
            assert again.is_error and again.structured_content["rule"] == "withheld-tool"

    run(body)
    assert json.loads((risky_root / "ledger.json").read_text()) == [{"to": "alice", "amount": 20}]


def test_task_from_meta_and_from_declare_task(risky_root, tmp_path):
    audit = tmp_path / "audit.jsonl"

    async def body():
        async with proxy_stdio(["--policy", "rules", "--audit", str(audit)], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            assert "delete_file" not in tool_names(await session.list_tools())
            declared = await session.call_tool("declare_task", {"task": "Delete notes.txt, I no longer need it"})
            assert not declared.is_error and "delete_file" in declared.structured_content["offered"]
            await session.notifications.wait_for("notifications/tools/list_changed")
            assert "delete_file" in tool_names(await session.list_tools())
            assert not (await session.call_tool("delete_file", {"path": "notes.txt"})).is_error
            moved = await session.call_tool("get_weather", {"city": "Rome"}, meta={"safemcp/task": "Pay my rent to the landlord"})
            assert not moved.is_error
            assert "transfer_money" in tool_names(await session.list_tools())

    run(body)
    assert not (risky_root / "notes.txt").exists()
    sources = [e["task_source"] for e in read_audit(audit) if e["kind"] == "task"]
    assert sources == ["declare_task", "meta"]


def test_rate_limit_holds(risky_root):
    async def body():
        async with proxy_stdio(["--policy", "rules", "--rate-limit", "1/s"], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            results = [await session.call_tool("get_weather", {"city": "Lima"}) for _ in range(6)]
            assert not results[0].is_error
            limited = [r for r in results if r.is_error]
            # Six calls take well under two seconds, so at most one token comes back meanwhile.
            assert len(limited) >= 4
            assert all(r.structured_content["rule"] == "rate-limit" for r in limited)
            await anyio.sleep(1.1)
            assert not (await session.call_tool("get_weather", {"city": "Lima"})).is_error

    run(body)


def test_shadow_mode_blocks_nothing_and_logs_everything(risky_root, tmp_path):
    audit = tmp_path / "audit.jsonl"

    async def body():
        async with proxy_stdio(["--policy", "rules", "--mode", "shadow", "--audit", str(audit)], RISKY,
                               {"RISKY_ROOT": str(risky_root)}) as session:
            names = tool_names(await session.list_tools())
            assert "delete_file" in names and "add_numbers" in names
            assert not (await session.call_tool("delete_file", {"path": "notes.txt"})).is_error
            shell = await session.call_tool("run_shell", {"command": "head -c 0 /etc/passwd && echo ran"})
            assert not shell.is_error and "ran" in text_of(shell)
            assert not (await session.call_tool("get_weather", {"city": "Kyiv"})).is_error

    run(body)
    assert not (risky_root / "notes.txt").exists()
    calls = [e for e in read_audit(audit) if e["kind"] == "call"]
    assert [e["tool"] for e in calls] == ["delete_file", "run_shell", "get_weather"]
    assert all(e["mode"] == "shadow" and e["blocked"] is False for e in calls)
    assert [e["would_block"] for e in calls] == [True, True, False]
    assert calls[1]["verdict"] == "unsafe" and calls[0]["rule"] == "withheld-tool"
    lists = [e for e in read_audit(audit) if e["kind"] == "tool_list"]
    assert lists and any(w["tool"] == "delete_file" for w in lists[0]["withheld"])


def test_upstream_killed_mid_call_gives_an_error_result(risky_root):
    async def body():
        async with proxy_stdio(["--policy", "rules"], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            pid = int(text_of(await session.call_tool("get_pid", {})))
            outcome = {}

            async def slow():
                outcome["result"] = await session.call_tool("slow_task", {"seconds": 20})

            with anyio.fail_after(15):
                async with anyio.create_task_group() as group:
                    group.start_soon(slow)
                    await anyio.sleep(0.5)
                    os.kill(pid, signal.SIGKILL)
            result = outcome["result"]
            assert result.is_error and "closed the connection" in text_of(result)
            after = await session.call_tool("get_weather", {"city": "Quito"})
            assert after.is_error

    run(body)


def test_progress_resources_and_prompts_pass_through(risky_root):
    async def body():
        async with proxy_stdio(["--policy", "rules"], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            progress = []

            async def on_progress(value, total, message):
                progress.append((value, total))

            result = await session.call_tool("slow_task", {"seconds": 0.5}, progress_callback=on_progress)
            assert not result.is_error
            assert [value for value, _ in progress] == list(range(10)) and all(total == 10 for _, total in progress)

            resources = await session.list_resources()
            assert [str(r.uri) for r in resources.resources] == ["notes://today"]
            contents = await session.read_resource("notes://today")
            assert contents.contents[0].text == "buy milk"
            prompts = await session.list_prompts()
            assert [p.name for p in prompts.prompts] == ["summarize"]
            prompt = await session.get_prompt("summarize", {"topic": "MCP"})
            assert "summarize MCP" in prompt.messages[0].content.text

    run(body)


def test_cancellation_reaches_the_upstream(risky_root):
    async def body():
        async with proxy_stdio(["--policy", "rules"], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            with anyio.move_on_after(0.5):
                await session.call_tool("slow_task", {"seconds": 10})
            with anyio.fail_after(5):
                while not (risky_root / "cancelled").exists():
                    await anyio.sleep(0.05)
            assert not (await session.call_tool("get_weather", {"city": "Lima"})).is_error

    run(body)


def test_an_upstream_that_hangs_gives_an_error_result_within_the_timeout(risky_root):
    async def body():
        async with proxy_stdio(["--policy", "rules", "--upstream-timeout", "1"], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            with anyio.fail_after(5):
                result = await session.call_tool("slow_task", {"seconds": 30})
            assert result.is_error and "did not answer within 1.0 s" in text_of(result)

    run(body)


def test_operator_deny_and_allow_lists(risky_root):
    async def body():
        async with proxy_stdio(["--policy", "rules", "--deny", "read_*"], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            assert "read_file" not in tool_names(await session.list_tools())
            refused = await session.call_tool("read_file", {"path": "notes.txt"})
            assert refused.is_error and refused.structured_content["rule"] == "deny-list"
        async with proxy_stdio(["--policy", "rules", "--deny-by-default", "--allow", "get_weather"], RISKY,
                               {"RISKY_ROOT": str(risky_root)}) as session:
            assert tool_names(await session.list_tools()) == ["declare_task", "get_weather"]
            refused = await session.call_tool("get_pid", {})
            assert refused.is_error and refused.structured_content["rule"] == "deny-by-default"

    run(body)


def raw_exchange(process, line: str) -> dict:
    process.stdin.write(line + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def test_malformed_jsonrpc_gets_an_error_and_the_proxy_keeps_serving(risky_root):
    process = subprocess.Popen([safemcp_binary(), "proxy", "--policy", "rules", "--", *RISKY],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "RISKY_ROOT": str(risky_root)})
    try:
        assert raw_exchange(process, "{not json")["error"]["code"] == -32700
        assert raw_exchange(process, '{"jsonrpc": "2.0", "id": 7}') == {
            "jsonrpc": "2.0", "id": 7,
            "error": {"code": -32600, "message": 'Invalid Request: neither "method" nor "result"/"error"'}}
        assert raw_exchange(process, "[1, 2]")["error"]["code"] == -32600
        assert raw_exchange(process, '{"jsonrpc": "1.0", "id": 8, "method": "ping"}')["error"]["code"] == -32600
        assert raw_exchange(process, '{"jsonrpc": "2.0", "id": 9, "method": "no/such"}')["error"]["code"] == -32601
        init = raw_exchange(process, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}))
        assert init["result"]["serverInfo"]["name"] == "safemcp-proxy"
        assert raw_exchange(process, '{"jsonrpc": "2.0", "id": 2, "method": "ping"}') == {"jsonrpc": "2.0", "id": 2, "result": {}}
    finally:
        process.stdin.close()
        process.wait(timeout=10)


def test_over_streamable_http(risky_root, tmp_path):
    audit = tmp_path / "audit.jsonl"
    proxy = HTTPProxy(["--policy", "rules", "--audit", str(audit)], RISKY, {"RISKY_ROOT": str(risky_root)})
    try:
        async def body():
            async with http_session(proxy.url) as session:
                names = tool_names(await session.list_tools())
                assert "get_weather" in names and "delete_file" not in names
                weather = await session.call_tool("get_weather", {"city": "Nairobi"})
                assert not weather.is_error and text_of(weather) == "Sunny and 21 degrees in Nairobi"
                blocked = await session.call_tool("delete_file", {"path": "notes.txt"})
                assert blocked.is_error and blocked.structured_content["blocked"] is True
                request = urllib.request.Request(proxy.url, data=b"{not json", method="POST", headers={
                    "content-type": "application/json", "accept": "application/json, text/event-stream"})
                with pytest.raises(urllib.error.HTTPError) as bad:
                    urllib.request.urlopen(request, timeout=10)
                assert bad.value.code == 400 and json.loads(bad.value.read())["error"]["code"] == -32700
                assert not (await session.call_tool("get_weather", {"city": "Lagos"})).is_error
            async with http_session(proxy.url) as second:
                assert "get_weather" in tool_names(await second.list_tools())

        run(body)
    finally:
        proxy.close()
    assert (risky_root / "notes.txt").exists()
    sessions = {e["session"] for e in read_audit(audit) if e["kind"] == "call"}
    assert len(sessions) == 1


def test_http_upstream_and_several_upstreams_with_prefixes(risky_root):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    upstream = subprocess.Popen([*RISKY, "--http", str(port)], env={**os.environ, "RISKY_ROOT": str(risky_root)},
                                stderr=subprocess.DEVNULL)
    try:
        async def wait_until_up():
            with anyio.fail_after(20):
                while True:
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                            return
                    except OSError:
                        await anyio.sleep(0.1)

        async def body():
            await wait_until_up()
            proxy_args = ["--policy", "rules", "--upstream-url", f"web=http://127.0.0.1:{port}/mcp",
                          "--upstream", "local=" + " ".join(RISKY)]
            async with proxy_stdio(proxy_args, None, {"RISKY_ROOT": str(risky_root)}) as session:
                names = tool_names(await session.list_tools())
                assert "web__get_weather" in names and "local__get_weather" in names
                assert "get_weather" not in names
                remote = await session.call_tool("web__get_weather", {"city": "Bern"})
                assert not remote.is_error and text_of(remote) == "Sunny and 21 degrees in Bern"
                local = await session.call_tool("local__read_file", {"path": "notes.txt"})
                assert text_of(local) == "keep me"

        run(body)
    finally:
        upstream.terminate()
        upstream.wait(timeout=10)


def test_policy_bundle_fails_closed_unless_fail_open(tmp_path, risky_root):
    bundle = tmp_path / "policy.h5"
    bundle.write_bytes(b"\x89HDF\r\n\x1a\n")
    closed = subprocess.run([safemcp_binary(), "proxy", "--policy", str(bundle), "--", *RISKY],
                            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert closed.returncode != 0 and "fail closed" in closed.stderr

    async def body():
        async with proxy_stdio(["--policy", str(bundle), "--fail-open"], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            assert "get_weather" in tool_names(await session.list_tools())

    run(body)



def test_help_names_every_option():
    shown = subprocess.run([safemcp_binary(), "proxy", "--help"], capture_output=True, text=True, timeout=30).stdout
    for option in ["--policy", "--mode", "--task", "--audit", "--http", "--rate-limit", "--deny", "--allow",
                   "--deny-by-default", "--fail-open", "--encoder-dir", "--upstream", "--upstream-url", "--upstreams", "--upstream-timeout",
                   "--on-injection", "--max-message-bytes", "--pins"]:
        assert re.search(re.escape(option) + r"[ <\n]", shown), option
    assert "safemcp export" in shown
