"""A trained bundle reads the task and the calls as written, as training read them; the rules
and the safety floor read them folded. Folding `n0t3s` to `notes` before the bundle sees it
would hand the network a text it never trained on, and two different calls would look alike."""

import sys

from conftest import SERVERS, proxy_stdio, read_audit, run

REDTEAM = [sys.executable, str(SERVERS / "redteam_server.py")]


def test_a_bundle_judges_calls_as_written_not_folded(bundle, tmp_path):
    record = tmp_path / "record.jsonl"
    record.touch()
    audit = tmp_path / "audit.jsonl"
    paths = ["notes.txt", "n0t3s.txt"]

    async def body():
        async with proxy_stdio(["--policy", str(bundle), "--audit", str(audit)], REDTEAM, {"REDTEAM_RECORD": str(record)}) as session:
            for path in paths:
                await session.call_tool("declare_task", {"task": "Summarise my notes"})
                await session.call_tool("read_file", {"path": path})

    run(body)
    calls = [event for event in read_audit(audit) if event["kind"] == "call" and event["tool"] == "read_file"]
    assert [event["step"]["action"]["arguments"]["path"] for event in calls] == paths
    judged = [event for event in calls if (event.get("rule") or "policy:").startswith("policy:")]
    assert len(judged) == len(paths), [event.get("rule") for event in calls]
    # Each call is its own text to the network, so each gets its own probability.
    assert len({event["confidence"] for event in judged}) == len(paths), [event["confidence"] for event in judged]
