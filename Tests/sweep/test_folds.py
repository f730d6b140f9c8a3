"""tools/harmactions_folds.py, the fold split behind tools/cross-validate.sh: each row is in
exactly one test fold and in every other fold's training file, the classes are spread evenly,
and the same seed gives the same files."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPLIT = ROOT / "tools" / "harmactions_folds.py"


def split(rows, folds, out, seed):
    source = out / "rows.json"
    source.write_text(json.dumps(rows))
    subprocess.run([sys.executable, str(SPLIT), str(source), str(folds), str(out), "--seed", str(seed)], check=True, capture_output=True)
    return [(json.loads((out / f"train-{k}.json").read_text()), json.loads((out / f"test-{k}.json").read_text())) for k in range(folds)]


def test_folds_partition_the_rows_and_spread_the_classes(tmp_path):
    rows = [{"action_id": i, "classification": ["safe", "harmful", "unethical"][i % 7 % 3]} for i in range(47)]
    result = split(rows, 5, tmp_path, seed=3)
    tested = [row["action_id"] for _, test in result for row in test]
    assert sorted(tested) == list(range(47))
    for train, test in result:
        assert sorted(row["action_id"] for row in train + test) == list(range(47))
        assert not {row["action_id"] for row in train} & {row["action_id"] for row in test}
    assert max(len(test) for _, test in result) - min(len(test) for _, test in result) <= 1
    totals = Counter(row["classification"] for row in rows)
    for _, test in result:
        counts = Counter(row["classification"] for row in test)
        for label, total in totals.items():
            assert abs(counts[label] - total / 5) <= 1, (label, counts[label], total)


def test_the_same_seed_gives_the_same_files_and_another_seed_other_folds(tmp_path):
    rows = [{"action_id": i, "classification": "safe" if i % 2 else "harmful"} for i in range(30)]
    for name in "abc":
        (tmp_path / name).mkdir()
    first = split(rows, 3, tmp_path / "a", seed=7)
    again = split(rows, 3, tmp_path / "b", seed=7)
    other = split(rows, 3, tmp_path / "c", seed=8)
    assert first == again
    assert first != other
