#!/usr/bin/env bash
# `make run`: the main job, end to end on the project's own environments, with everything that
# exists so far. Arguments: the safemcp binary (a release build).
set -euo pipefail

bin=${1:?usage: tools/run.sh SAFEMCP_BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
step() { printf '\n== %s\n' "$*" >&2; }
started=$SECONDS

step "validating the suites in envs/"
"$bin" envs validate

step "emulated episodes under the built-in baselines (the trade-off the policy must learn)"
for policy in none rules withhold-all; do
    printf '\n-- policy: %s\n' "$policy"
    "$bin" envs rollout --policy "$policy" --episodes 2000 --seed 7
done

step "recording episodes from the training tasks of the powerseeking and toolemu suites (agentharm is evaluation-only; held-out tasks are for safemcp eval)"
mkdir -p runs/data
"$bin" envs rollout --suite powerseeking --suite toolemu --split train --policy none --episodes 400 --seed 11 \
    --record runs/data/envs-rollouts.h5

step "training stages 1-3 (configs/default.yaml) into runs/default"
rm -rf runs/default
"$bin" train --config configs/default.yaml --run default --stage all

step "report"
"$bin" report runs/default
"$bin" curves runs/default

cat <<NOTE

Finished in $((SECONDS - started)) s.
Curves: runs/default/report.html (open in a browser), or .venv/bin/tensorboard --logdir runs
Evaluation tables: runs/default/eval.json (printed above)

Not yet part of this job: RL on emulated episodes, export of a policy bundle, and the evaluation
of the trained policy on held-out suite tasks beside the baselines (safemcp export / eval).
NOTE
