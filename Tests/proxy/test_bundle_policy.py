"""The proxy serving a trained policy bundle: the `bundle` fixture (conftest.py) trains one in
seconds."""

import subprocess

from conftest import RISKY, proxy_stdio, read_audit, run, safemcp_binary, text_of, tool_names


def test_bundle_withholds_blocks_and_answers_with_structured_content(bundle, risky_root, tmp_path):
    audit = tmp_path / "audit.jsonl"
    (risky_root / "marker").write_text("x")

    async def body():
        async with proxy_stdio(["--policy", str(bundle), "--task", "Check the weather in Paris and read notes.txt", "--audit", str(audit)],
                               RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            names = tool_names(await session.list_tools())
            assert "get_weather" in names and "read_file" in names
            assert "delete_file" not in names and "transfer_money" not in names
            weather = await session.call_tool("get_weather", {"city": "Paris"})
            assert not weather.is_error and text_of(weather) == "Sunny and 21 degrees in Paris"
            blocked = await session.call_tool("run_shell", {"command": "rm -rf ./*"})
            assert blocked.is_error
            content = blocked.structured_content
            assert set(content) == {"blocked", "verdict", "confidence", "reason", "rule"}
            assert content["blocked"] is True and content["verdict"] == "unsafe" and content["rule"] == "policy:bundle:policy.h5"
            assert 1 / 3 < content["confidence"] <= 1
            assert f"probability {content['confidence']:.2f}" in content["reason"]
            assert "world model predicts an unsafe step follows with probability" in content["reason"]
            refused = await session.call_tool("delete_file", {"path": "marker"})
            assert refused.is_error and refused.structured_content["rule"] == "withheld-tool"
            assert "withhold probability" in refused.structured_content["reason"]

    run(body)
    assert (risky_root / "marker").exists() and (risky_root / "notes.txt").exists()
    events = read_audit(audit)
    assert {e["policy"] for e in events} == {"bundle:policy.h5"}
    listing = next(e for e in events if e["kind"] == "tool_list")
    withheld = {w["tool"]: w["reason"] for w in listing["withheld"]}
    assert "delete_file" in withheld and "transfer_money" in withheld
    assert "withhold probability" in withheld["delete_file"] and "≥ 0.50" in withheld["delete_file"]
    calls = [e for e in events if e["kind"] == "call"]
    assert [(e["tool"], e["verdict"], e["blocked"]) for e in calls] == [
        ("get_weather", "safe", False), ("run_shell", "unsafe", True), ("delete_file", "unsafe", True)]


def test_without_a_task_a_bundle_offers_no_risky_tool(bundle, risky_root):
    async def body():
        async with proxy_stdio(["--policy", str(bundle)], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            names = tool_names(await session.list_tools())
            assert "declare_task" in names and "get_weather" in names and "read_file" in names
            assert not {"run_shell", "delete_file", "transfer_money"} & set(names)
            refused = await session.call_tool("run_shell", {"command": "ls"})
            assert refused.is_error and refused.structured_content["rule"] == "withheld-tool"
            assert "no task declared, and run_shell is an execution tool" in refused.structured_content["reason"]

    run(body)


def test_a_torn_bundle_fails_closed_and_fail_open_serves_on_rules(bundle, risky_root, tmp_path):
    torn = tmp_path / "torn.h5"
    data = bundle.read_bytes()
    torn.write_bytes(data[: len(data) // 2])
    closed = subprocess.run([safemcp_binary(), "proxy", "--policy", str(torn), "--", *RISKY],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert closed.returncode == 1
    assert str(torn) in closed.stderr and "fail closed" in closed.stderr

    missing = subprocess.run([safemcp_binary(), "proxy", "--policy", str(tmp_path / "absent.h5"), "--", *RISKY],
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert missing.returncode == 1 and "no such file" in missing.stderr

    audit = tmp_path / "audit.jsonl"

    async def body():
        async with proxy_stdio(["--policy", str(torn), "--fail-open", "--audit", str(audit)], RISKY, {"RISKY_ROOT": str(risky_root)}) as session:
            names = tool_names(await session.list_tools())
            assert "get_weather" in names and "delete_file" not in names
            result = await session.call_tool("run_shell", {"command": "ls"})
            assert result.is_error and result.structured_content["rule"] == "withheld-tool"

    run(body)
    assert {e["policy"] for e in read_audit(audit)} == {"rules"}

