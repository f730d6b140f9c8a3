#!/usr/bin/env python3
"""Runs a sweep on Ray: every (variant, seed) task of a sweep file, each one train -> export ->
eval in its own run folder, then the mean +- std table (`safemcp sweep table`) and the report
over the runs (`safemcp report`). docs/sweeps.md has the file format and the folder layout.

    .venv/bin/python tools/sweep.py SWEEP.yaml [--address HOST:PORT] [--workers N] [--bin SAFEMCP]

Without --address it starts a Ray cluster on this machine for the job (`ray start --head`,
loopback only, --workers CPUs, default: every core) and stops it at the end. The tasks come from
`safemcp sweep plan SWEEP.yaml --json`, so this script, the Slurm array (tools/sweep-slurm.sh)
and `--serial` run the same commands. A task that fails, or whose worker dies, is retried
(--retries); a finished task (its marker in OUT/tasks/ matches its commands) is not run again
when the sweep is restarted. `--serial` runs the tasks one after another in this process, without
Ray; `--task ID` runs one task (what a Slurm array element does).
"""
import argparse
import ctypes
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PR_SET_PDEATHSIG = 1


def log(message):
    print(f"sweep: {message}", file=sys.stderr, flush=True)


def default_binary():
    for build in ("release", "debug"):
        candidate = os.path.join(ROOT, ".build", build, "safemcp")
        if os.path.exists(candidate):
            return candidate
    return "safemcp"


def load_plan(binary, sweep_file):
    done = subprocess.run([binary, "sweep", "plan", sweep_file, "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"sweep: {sweep_file}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def task_files(plan, task):
    folder = os.path.join(plan["out"], "tasks")
    return {name: os.path.join(folder, f"{task['id']}.{name}") for name in ("done.json", "log", "attempts")}


def task_key(plan, task):
    """What a finished task's marker must match: its commands and thread count, so a task whose
    settings changed since it ran is run again."""
    text = json.dumps({"commands": task["commands"], "threads": plan["threads"]}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def finished(plan, task):
    marker = task_files(plan, task)["done.json"]
    try:
        with open(marker) as file:
            return json.load(file).get("key") == task_key(plan, task) and os.path.exists(task["evaluation"])
    except (OSError, ValueError):
        return False


def die_with_parent():
    """In the child, before exec: killed when the worker that started it dies, so a retried task
    never races a leftover process of its earlier attempt in the same run folder."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def write_atomically(path, text):
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


class TaskFailed(Exception):
    pass


def run_task(binary, plan, task, cwd):
    """One task, start to end: a leftover run folder from an attempt that did not finish is
    removed (train refuses an existing run), then train, export and eval run with the sweep's
    OPENBLAS_NUM_THREADS, and the marker is written last."""
    os.chdir(cwd)
    files = task_files(plan, task)
    os.makedirs(os.path.dirname(files["log"]), exist_ok=True)
    with open(files["attempts"], "a") as attempts:
        attempts.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}) + "\n")
    if os.path.exists(task["run"]):
        shutil.rmtree(task["run"])
    environment = dict(os.environ, OPENBLAS_NUM_THREADS=str(plan["threads"]))
    started = time.time()
    with open(files["log"], "a") as task_log:
        for command in task["commands"]:
            arguments = [binary, *command["arguments"]]
            task_log.write(f"$ {' '.join(arguments)}\n")
            task_log.flush()
            target = command.get("stdout")
            output = open(f"{target}.tmp-{os.getpid()}", "w") if target else task_log
            try:
                status = subprocess.run(arguments, env=environment, stdout=output, stderr=task_log,
                                        preexec_fn=die_with_parent).returncode
            finally:
                if target:
                    output.close()
            if status != 0:
                with open(files["log"]) as written:
                    tail = "".join(written.readlines()[-5:])
                raise TaskFailed(f"{task['id']}: `safemcp {' '.join(command['arguments'])}` exited with {status}; "
                                 f"{files['log']} ends:\n{tail}")
            if target:
                os.replace(f"{target}.tmp-{os.getpid()}", target)
    marker = {"id": task["id"], "key": task_key(plan, task), "seconds": time.time() - started, "pid": os.getpid(),
              "host": socket.gethostname()}
    write_atomically(files["done.json"], json.dumps(marker, sort_keys=True) + "\n")
    return marker


def attempts(plan, task):
    try:
        with open(task_files(plan, task)["attempts"]) as file:
            return sum(1 for _ in file)
    except OSError:
        return 0


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalCluster:
    """A Ray head on this machine for the job alone: its own port and temporary folder, loopback
    only, stopped at the end by signalling the process group it was started in (never `ray
    stop`, which would stop every Ray cluster on the machine)."""

    def __init__(self, cpus, out):
        self.port = free_port()
        self.temp = f"/tmp/ray-sweep-{os.getpid()}"
        self.log_path = os.path.join(out, "tasks", "ray-head.log")
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        ray_binary = os.path.join(os.path.dirname(sys.executable), "ray")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [ray_binary, "start", "--head", "--block", f"--port={self.port}", "--node-ip-address=127.0.0.1", f"--num-cpus={cpus}",
             "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={self.temp}"],
            stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True)
        self.address = f"127.0.0.1:{self.port}"
        log(f"started a local Ray cluster at {self.address} with {cpus} CPUs (log {self.log_path})")

    def stop(self):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log_file.close()
        shutil.rmtree(self.temp, ignore_errors=True)


def connect(address, timeout=120):
    import ray
    deadline = time.time() + timeout
    while True:
        try:
            ray.init(address=address, logging_level="ERROR", log_to_driver=False)
            return ray
        except Exception as error:  # the head is still starting: GCS not listening yet
            if time.time() > deadline:
                sys.exit(f"sweep: cannot connect to the Ray cluster at {address}: {error}")
            time.sleep(1)


def run_on_ray(binary, plan, tasks, address, retries):
    ray = connect(address)
    remote = ray.remote(run_task)
    pending = {}
    for task in tasks:
        reference = remote.options(num_cpus=plan["threads"], max_retries=retries, retry_exceptions=True,
                                   name=f"sweep:{task['id']}").remote(binary, plan, task, os.getcwd())
        pending[reference] = task
    failures = {}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        task = pending.pop(ready[0])
        try:
            marker = ray.get(ready[0])
            log(f"{task['id']}: done in {marker['seconds']:.0f} s (attempt {attempts(plan, task)})")
        except Exception as error:
            failures[task["id"]] = str(error).strip().splitlines()[-6:]
            log(f"{task['id']}: failed after {attempts(plan, task)} attempts")
    ray.shutdown()
    return failures


def run_serially(binary, plan, tasks):
    failures = {}
    for task in tasks:
        try:
            marker = run_task(binary, plan, task, os.getcwd())
            log(f"{task['id']}: done in {marker['seconds']:.0f} s")
        except TaskFailed as error:
            failures[task["id"]] = str(error).splitlines()
            log(f"{task['id']}: failed")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("sweep", help="the sweep file (YAML, docs/sweeps.md)")
    parser.add_argument("--address", help="an existing Ray cluster (HOST:PORT); default: start one on this machine for the job")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="CPUs of the local cluster (default: every core, %(default)s)")
    parser.add_argument("--bin", default=default_binary(), help="the safemcp binary (default: %(default)s)")
    parser.add_argument("--retries", type=int, default=2, help="times a failed task (or one whose worker died) is run again (default: %(default)s)")
    parser.add_argument("--serial", action="store_true", help="run the tasks one after another in this process, without Ray")
    parser.add_argument("--task", help="run only this task (its id, variant-seedS, or its index in the plan), without Ray: a Slurm array element")
    parser.add_argument("--no-report", action="store_true", help="skip the table and the report at the end")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin) if os.path.sep in args.bin else args.bin
    plan = load_plan(binary, args.sweep)
    started = time.time()

    if args.task is not None:
        matches = [task for index, task in enumerate(plan["tasks"]) if args.task in (task["id"], str(index))]
        if not matches:
            sys.exit(f"sweep: {args.sweep}: no task {args.task} (ids: {', '.join(task['id'] for task in plan['tasks'])})")
        if finished(plan, matches[0]):
            log(f"{matches[0]['id']}: already finished")
            return
        try:
            run_task(binary, plan, matches[0], os.getcwd())
        except TaskFailed as error:
            sys.exit(f"sweep: {error}")
        return

    todo = [task for task in plan["tasks"] if not finished(plan, task)]
    for task in plan["tasks"]:
        if task not in todo:
            log(f"{task['id']}: finished earlier, not run again")
    log(f"{len(todo)} of {len(plan['tasks'])} tasks to run, OPENBLAS_NUM_THREADS={plan['threads']}")
    if args.serial:
        failures = run_serially(binary, plan, todo)
    elif todo:
        cluster = None if args.address else LocalCluster(args.workers, plan["out"])
        try:
            failures = run_on_ray(binary, plan, todo, args.address or cluster.address, args.retries)
        finally:
            if cluster:
                cluster.stop()
    else:
        failures = {}
    wall = time.time() - started
    retried = [f"{task['id']} ({attempts(plan, task)} attempts)" for task in todo if attempts(plan, task) > 1]
    if retried:
        log(f"retried: {', '.join(retried)}")
    summary = {"wall_seconds": wall, "tasks_run": [task["id"] for task in todo], "failed": failures, "retried": retried,
               "mode": "serial" if args.serial else ("ray " + (args.address or "local"))}
    os.makedirs(plan["out"], exist_ok=True)
    write_atomically(os.path.join(plan["out"], "sweep-run.json"), json.dumps(summary, indent=1, sort_keys=True) + "\n")
    if failures:
        for task_id, lines in failures.items():
            log(f"FAILED {task_id}:\n  " + "\n  ".join(lines))
        sys.exit(f"sweep: {len(failures)} of {len(todo)} tasks failed; rerun the same command to retry them (finished tasks are kept)")
    log(f"all {len(plan['tasks'])} tasks finished; this run took {wall:.0f} s")
    if args.no_report:
        return
    table = subprocess.run([binary, "sweep", "table", args.sweep], text=True, capture_output=True)
    if table.returncode != 0:
        sys.exit(f"sweep: table: {table.stderr.strip()}")
    print(table.stdout, end="")
    report = subprocess.run([binary, "report", plan["out"], "--out", os.path.join(plan["out"], "report.html")],
                            text=True, capture_output=True)
    if report.returncode != 0:
        sys.exit(f"sweep: report: {report.stderr.strip()}")
    log(f"report: {report.stdout.strip()}")


if __name__ == "__main__":
    main()
