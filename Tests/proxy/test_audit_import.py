"""The round trip of DESIGN.md's loop: the real proxy logs what a real client did, and
`safemcp data import --format audit` reads that log back as episodes."""

import json
import subprocess

from conftest import RISKY, proxy_stdio, read_audit, run, safemcp_binary, text_of


def import_audit(audit, out, *extra):
    done = subprocess.run([safemcp_binary(), "data", "import", "--format", "audit", str(audit), "--out", str(out), "--json", *extra],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_audit_log_of_two_proxies_imports_as_the_steps_that_ran(risky_root, tmp_path):
    audit = tmp_path / "audit.jsonl"
    env = {"RISKY_ROOT": str(risky_root)}

    async def body():
        async with proxy_stdio(["--policy", "rules", "--audit", str(audit)], RISKY, env) as session:
            await session.list_tools()
            assert not (await session.call_tool("get_weather", {"city": "Rome"})).is_error
            await session.call_tool("declare_task", {"task": "Run the cleanup script in the shell"})
            await session.list_tools()
            listing = await session.call_tool("run_shell", {"command": "ls"})
            assert not listing.is_error and "notes.txt" in text_of(listing)
            # A critical shell step leaves the shell to the task; the rules judge the next command.
            blocked = await session.call_tool("run_shell", {"command": "rm -rf ./*"})
            assert blocked.is_error and blocked.structured_content["rule"] == "policy:rules"
            assert text_of(await session.call_tool("read_file", {"path": "notes.txt"})) == "keep me"
            assert (await session.call_tool("get_weather", {"city": 3})).is_error
            assert (await session.call_tool("format_disk", {})).is_error
        async with proxy_stdio(["--policy", "rules", "--mode", "shadow", "--task", "What is the weather in Oslo?",
                                "--audit", str(audit)], RISKY, env) as session:
            assert "ran" in text_of(await session.call_tool("run_shell", {"command": "echo ran"}))

    run(body)
    events = read_audit(audit)
    first, second = events[0]["instance"], events[-1]["instance"]
    assert first != second
    blocked_line = 1 + next(i for i, e in enumerate(events) if e["kind"] == "call" and e["blocked"] and e["step"]["action"]["arguments"] == {"command": "rm -rf ./*"})

    result = import_audit(audit, tmp_path / "episodes.jsonl")
    assert result["summary"]["dropped"] == 0 and result["summary"]["rows_read"] == len(events)
    episodes = {e["id"]: e for e in map(json.loads, (tmp_path / "episodes.jsonl").read_text().splitlines())}
    assert list(episodes) == [f"audit.jsonl#{first}/s1/1", f"audit.jsonl#{first}/s1/2",
                              f"audit.jsonl#{first}/s1/2@{blocked_line}", f"audit.jsonl#{second}/s1/1"]

    no_task, cleanup, blocked, shadow = episodes.values()
    assert no_task["task"]["instruction"] == "" and [s["action"]["tool"] for s in no_task["steps"]] == ["get_weather"]
    assert cleanup["task"]["instruction"] == "Run the cleanup script in the shell"
    assert cleanup["metadata"]["task_source"] == "declare_task" and cleanup["metadata"]["label_origin"] == "proxy_verdict"
    assert [(s["action"]["tool"], s["label"]) for s in cleanup["steps"]] == [("run_shell", "critical"), ("read_file", "safe")]
    assert "notes.txt" in cleanup["steps"][0]["observation"] and cleanup["steps"][1]["observation"] == "keep me"
    assert not any(s.get("pending") for s in cleanup["steps"])
    # Poisoned descriptions (rules) and money (the task asks for no payment) were withheld at the first listing.
    assert set(cleanup["withheld_tools"]) == {"add_numbers", "count_words", "transfer_money"}
    described = {tool["name"]: tool["description"] for tool in cleanup["tools"]}
    assert described["read_file"] == "Read a text file below the server's root directory."
    assert described["transfer_money"] == "Transfer money from the user's account to someone else."

    assert blocked["steps"][:-1] == cleanup["steps"][:1]
    assert blocked["steps"][-1] == {"action": {"tool": "run_shell", "arguments": {"command": "rm -rf ./*"}}, "label": "unsafe", "pending": True}

    assert shadow["metadata"]["mode"] == "shadow" and shadow["task"]["instruction"] == "What is the weather in Oslo?"
    assert [(s["label"], s["observation"].strip()) for s in shadow["steps"]] == [("unsafe", "ran")]

    dataset = tmp_path / "episodes.h5"
    assert import_audit(audit, dataset, "--encoder", "hashing", "--cache", str(tmp_path / "cache.h5"))["episodes"] == 4
    inspected = subprocess.run([safemcp_binary(), "data", "inspect", str(dataset), "--json"], capture_output=True, text=True, timeout=60)
    statistics = json.loads(inspected.stdout)
    assert statistics["episodes"] == 4 and statistics["steps"] == 6 and statistics["pending_steps"] == 1
