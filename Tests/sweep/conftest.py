"""Fixtures of the sweep and shard tests: the safemcp binary, a tiny training config over the
project's powerseeking suite (hashing encoder, a few dozen steps), and a 2-variant x 2-seed sweep
file over it."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SWEEP = ROOT / "tools" / "sweep.py"


def safemcp_binary() -> str:
    path = Path(os.environ.get("SAFEMCP_BIN", ROOT / ".build/debug/safemcp"))
    if not path.is_absolute():
        path = ROOT / path
    if not path.exists():
        pytest.fail(f"{path} does not exist: run `swift build` first (or set SAFEMCP_BIN)")
    return str(path)


def safemcp(*arguments, cwd=None, check=True):
    done = subprocess.run([safemcp_binary(), *map(str, arguments)], capture_output=True, text=True, cwd=cwd, timeout=600)
    if check:
        assert done.returncode == 0, f"safemcp {' '.join(map(str, arguments))}: {done.stderr[-3000:]}"
    return done


def write_sweep(folder: Path) -> Path:
    """tiny.yaml and sweep.yaml in `folder`; the sweep runs in `folder` (paths are relative)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tiny.yaml").write_text(f"""seed: 1
encoder: {{kind: hashing, hashingDimension: 64}}
data:
  train: [{{path: {ROOT / 'envs' / 'powerseeking'}, format: suite, episodes: 48, seed: 1, policy: rules}}]
  validationFraction: 0.25
stage1: {{steps: 30, batchSize: 16, hidden: 32, evalInterval: 10, warmupSteps: 4}}
stage2: {{steps: 60, batchSize: 16, hidden: 32, toolHidden: 16, evalInterval: 20, warmupSteps: 4, patience: 100}}
stage3: {{steps: 4, promptsPerStep: 4, groupSize: 4, evalInterval: 10, warmupSteps: 2}}
baselines: {{enabled: false}}
checkpoints: {{interval: 1000, keepLast: 2}}
""")
    (folder / "sweep.yaml").write_text(f"""config: tiny.yaml
out: sweep
seeds: [1, 2]
variants:
  - {{name: full, set: []}}
  - {{name: without-stage1, set: [stage2.useWorldModel=false]}}
eval: [--baselines, --envs-dir, {ROOT / 'envs'}, --suite, powerseeking, --split, all, --episodes, "300", --seed, "0"]
threads: 1
""")
    return folder / "sweep.yaml"


def run_sweep(folder: Path, *options, timeout=900):
    return subprocess.run([sys.executable, str(SWEEP), "sweep.yaml", "--bin", safemcp_binary(), *options],
                          capture_output=True, text=True, cwd=folder, timeout=timeout)


def per_seed_values(folder: Path):
    table = json.loads((folder / "sweep" / "sweep.json").read_text())
    return {(t["title"], r["variant"], r["name"], column): value["per_seed"]
            for t in table["tables"] for r in t["rows"] for column, value in r["values"].items()}


@pytest.fixture(scope="session")
def serial_sweep(tmp_path_factory):
    """The sweep's tasks run one after another without Ray: the reference every Ray run must match."""
    folder = tmp_path_factory.mktemp("serial")
    write_sweep(folder)
    done = run_sweep(folder, "--serial")
    assert done.returncode == 0, done.stderr[-4000:]
    return folder
