"""`tools/sweep.py` on a real local Ray cluster (`ray start --head`): a 2-variant x 2-seed sweep
of a tiny config gives the same per-seed values as the same tasks run serially, a restart runs
nothing again, and a Ray worker killed mid-task is retried with the table still complete."""
import json
import os
import signal
import subprocess
import sys
import time

from conftest import ROOT, SWEEP, per_seed_values, run_sweep, safemcp_binary, write_sweep

TASKS = ["full-seed1", "full-seed2", "without-stage1-seed1", "without-stage1-seed2"]


def test_ray_sweep_matches_the_serial_runs(tmp_path, serial_sweep):
    write_sweep(tmp_path)
    done = run_sweep(tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "started a local Ray cluster at 127.0.0.1:" in done.stderr

    ray_values = per_seed_values(tmp_path)
    serial_values = per_seed_values(serial_sweep)
    assert ray_values == serial_values, "every per-seed value of every table, variant, row and column"
    sweep = json.loads((tmp_path / "sweep" / "sweep.json").read_text())
    assert sweep["tasks"] == TASKS and sweep["seeds"] == [1, 2]
    pooled = next(t for t in sweep["tables"] if t["title"].startswith("powerseeking"))
    rows = {(r["variant"], r["name"]): r["values"] for r in pooled["rows"]}
    assert set(rows) == {(variant, row) for variant in ("full", "without-stage1")
                         for row in ("no defense", "deny list", "static rules", "stage 2 only", "full (stages 1-3)")}
    # The mean and the sample standard deviation are those of the two per-seed values, each read
    # back from that task's own `safemcp eval --json`.
    for variant in ("full", "without-stage1"):
        libra = rows[(variant, "full (stages 1-3)")]["libra"]
        per_task = []
        for seed in (1, 2):
            evaluation = json.loads((tmp_path / "sweep" / f"{variant}-seed{seed}" / "eval-sweep.json").read_text())
            table = next(t for t in evaluation["tables"] if t["title"] == pooled["title"])
            per_task.append(next(r for r in table["rows"] if r["name"] == "full (stages 1-3)")["values"]["libra"])
        assert libra["per_seed"] == per_task
        assert abs(libra["mean"] - sum(per_task) / 2) < 1e-12
        assert abs(libra["std"] - abs(per_task[0] - per_task[1]) / 2 ** 0.5) < 1e-12
    # The baselines do not depend on the training seed: zero spread, a check the table is not noise.
    assert rows[("full", "static rules")]["libra"]["std"] == 0
    assert "± " in done.stdout and "[without-stage1] full (stages 1-3)" in done.stdout
    report = tmp_path / "sweep" / "report.html"
    assert report.exists() and all(task in report.read_text() for task in TASKS), "the report overlays every run"

    again = run_sweep(tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    for task in TASKS:
        assert f"{task}: finished earlier, not run again" in again.stderr
    assert json.loads((tmp_path / "sweep" / "sweep-run.json").read_text())["tasks_run"] == []
    assert per_seed_values(tmp_path) == serial_values


def test_killed_worker_is_retried_and_the_table_is_complete(tmp_path, serial_sweep):
    write_sweep(tmp_path)
    sweep = subprocess.Popen([sys.executable, str(SWEEP), "sweep.yaml", "--bin", safemcp_binary()], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tasks = tmp_path / "sweep" / "tasks"
    victim = None
    deadline = time.time() + 300
    while victim is None and time.time() < deadline and sweep.poll() is None:
        # A worker writes its pid when it starts a task; kill it once training is under way.
        for task in TASKS:
            attempts = tasks / f"{task}.attempts"
            if attempts.exists() and (tmp_path / "sweep" / task / "run.json").exists() and not (tasks / f"{task}.done.json").exists():
                victim = (task, json.loads(attempts.read_text().splitlines()[0])["pid"])
                break
        time.sleep(0.2)
    assert victim is not None, "no task was seen training"
    os.kill(victim[1], signal.SIGKILL)
    stdout, stderr = sweep.communicate(timeout=900)
    assert sweep.returncode == 0, stderr[-4000:]

    task, pid = victim
    attempts = [json.loads(line) for line in (tasks / f"{task}.attempts").read_text().splitlines()]
    assert len(attempts) >= 2 and attempts[0]["pid"] == pid and attempts[-1]["pid"] != pid
    assert f"{task} ({len(attempts)} attempts)" in json.loads((tmp_path / "sweep" / "sweep-run.json").read_text())["retried"]
    assert per_seed_values(tmp_path) == per_seed_values(serial_sweep), "the retried task gives the values of an uninterrupted run"
    assert "± " in stdout


def test_slurm_dry_run_prints_the_array_and_every_command(tmp_path):
    write_sweep(tmp_path)
    done = subprocess.run([str(ROOT / "tools" / "sweep-slurm.sh"), "sweep.yaml", "--dry-run", "--bin", safemcp_binary(), "--python", sys.executable,
                           "--", "--partition=cpu"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "#SBATCH --array=0-3" in out and "#SBATCH --cpus-per-task=1" in out
    assert '--task "$SLURM_ARRAY_TASK_ID"' in out
    for task in TASKS:
        assert f"safemcp train --config tiny.yaml --runs sweep --run {task} --stage all" in out
        assert f"safemcp eval --run sweep/{task} --baselines" in out and f"> sweep/{task}/eval-sweep.json" in out
    assert "--set stage2.useWorldModel=false --set seed=2" in out
    assert "sbatch --parsable --partition=cpu sweep/tasks/slurm-array.sh" in out
    assert "sbatch --dependency=afterok:JOB" in out and "--serial" in out
    assert not (tmp_path / "sweep").exists(), "a dry run writes nothing"


def test_a_bad_sweep_file_names_the_file_line_and_key(tmp_path):
    sweep = write_sweep(tmp_path)
    sweep.write_text(sweep.read_text().replace("seeds: [1, 2]", "seeds: [1, 2]\nseed: 3"))
    done = run_sweep(tmp_path)
    assert done.returncode != 0 and "sweep.yaml:4: seed: unknown key" in done.stderr, done.stderr
    sweep.write_text(sweep.read_text().replace("seed: 3\n", "").replace("stage2.useWorldModel=false", "stage2.useWorldModl=false"))
    done = run_sweep(tmp_path)
    assert done.returncode != 0 and "variant without-stage1, seed 1:" in done.stderr and "stage2.useWorldModl" in done.stderr, done.stderr
