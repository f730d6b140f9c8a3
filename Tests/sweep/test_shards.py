"""`--shard I/N` + `safemcp merge` give, byte for byte, what one process gives: a rollout's table
(text and --json) and its recorded episodes, and an evaluation with a trained bundle."""
import json

from conftest import ROOT, safemcp


def rollout(*options):
    return ["envs", "rollout", "--envs-dir", ROOT / "envs", "--suite", "toolemu", "--suite", "powerseeking", "--split", "train",
            "--policy", "rules", "--episodes", "700", "--seed", "5", *options]


def test_sharded_rollout_merges_to_the_unsharded_one(tmp_path):
    whole = safemcp(*rollout("--record", tmp_path / "whole.jsonl", "--json")).stdout
    parts = tmp_path / "parts"
    for shard in ("0/2", "1/2"):
        done = safemcp(*rollout("--record", tmp_path / "merged.jsonl", "--shard", shard, "--parts", parts))
        assert done.stdout == "" and not (tmp_path / "merged.jsonl").exists(), "a shard writes its part only"
    assert sorted(p.name for p in parts.iterdir()) == ["part-0-of-2.json", "part-1-of-2.json"]
    merged = safemcp("merge", parts, "--json").stdout
    assert merged == whole
    assert (tmp_path / "merged.jsonl").read_bytes() == (tmp_path / "whole.jsonl").read_bytes()
    assert len((tmp_path / "whole.jsonl").read_bytes().splitlines()) == 1400
    assert safemcp("merge", parts).stdout == safemcp(*rollout()).stdout, "the text table too"


def test_sharded_rollout_records_the_same_dataset(tmp_path):
    embed = ["--encoder", "hashing", "--cache", tmp_path / "cache.h5"]
    safemcp(*rollout("--record", tmp_path / "whole.h5", *embed))
    for shard in ("0/3", "1/3", "2/3"):
        safemcp(*rollout("--record", tmp_path / "merged.h5", "--shard", shard, "--parts", tmp_path / "parts"))
    safemcp("merge", tmp_path / "parts", *embed)
    assert (tmp_path / "merged.h5").read_bytes() == (tmp_path / "whole.h5").read_bytes()


def test_missing_or_foreign_parts_are_named(tmp_path):
    parts = tmp_path / "parts"
    safemcp(*rollout("--shard", "1/3", "--parts", parts))
    missing = safemcp("merge", parts, check=False)
    assert missing.returncode != 0 and "missing shards 0/3, 2/3" in missing.stderr, missing.stderr
    safemcp(*rollout("--shard", "0/3", "--parts", parts, "--seed", "6"))
    safemcp(*rollout("--shard", "2/3", "--parts", parts))
    foreign = safemcp("merge", parts, check=False)
    assert foreign.returncode != 0 and "part-1-of-3.json: written by a different command" in foreign.stderr, foreign.stderr
    bad = safemcp(*rollout("--shard", "2/2", "--parts", parts), check=False)
    assert bad.returncode != 0 and "--shard 2/2: expected I/N with N ≥ 1 and 0 ≤ I < N" in bad.stderr, bad.stderr


def test_sharded_eval_of_a_trained_bundle_merges_to_the_unsharded_one(tmp_path, serial_sweep):
    run = serial_sweep / "sweep" / "full-seed1"
    evaluate = ["eval", "--run", run, "--baselines", "--envs-dir", ROOT / "envs", "--split", "all", "--episodes", "600",
                "--data", ROOT.parent / "shared" / "data" / "safemcp" / "stage2_test.jsonl", "--format", "safemcp"]
    whole = safemcp(*evaluate, "--json").stdout
    for shard in ("0/2", "1/2"):
        safemcp(*evaluate, "--shard", shard, "--parts", tmp_path / "parts")
    merged = safemcp("merge", tmp_path / "parts", "--json").stdout
    assert merged == whole
    titles = [table["title"] for table in json.loads(merged)["tables"]]
    assert titles[-1].endswith("stage2_test.jsonl: 115 labelled states"), titles
    assert any(title.startswith("all suites: all tasks") and title.endswith(" 1800 episodes") for title in titles), "3 suites of 600 episodes"
