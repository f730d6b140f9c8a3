#!/usr/bin/env bash
# `make run`: the main job, end to end on the project's own environments: record episodes on
# the suites' training tasks, train stages 1-3, export a policy bundle, and evaluate it beside
# the baselines on the held-out tasks. Arguments: the safemcp binary (a release build).
set -euo pipefail

bin=${1:?usage: tools/run.sh SAFEMCP_BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
step() { printf '\n== %s\n' "$*" >&2; }
started=$SECONDS

step "validating the suites in envs/"
"$bin" envs validate

step "recording episodes on the training tasks of every suite (the held-out tasks are kept for the evaluation)"
# Without a defense the agent follows its preferred plan; under the static rules it also falls
# back to its other plans, so stages 1 and 2 see those steps too.
mkdir -p runs/data
"$bin" envs rollout --split train --policy none --episodes 400 --seed 11 --record runs/data/envs-train.h5
"$bin" envs rollout --split train --policy rules --episodes 400 --seed 12 --record runs/data/envs-train-rules.h5

step "training stages 1-3 (configs/default.yaml) into runs/default"
rm -rf runs/default
"$bin" train --config configs/default.yaml --run default --stage all

step "exporting the policy bundle"
"$bin" export --run runs/default --out runs/default/policy.h5

step "ablation: the same job without stage 1 (a policy that does not read the world model), stages 2-3"
rm -rf runs/without-stage1
"$bin" train --config configs/default.yaml --run without-stage1 --stage all \
    --set stage2.useWorldModel=false --set baselines.enabled=false > /dev/null
"$bin" export --run runs/without-stage1 --out runs/without-stage1/policy.h5

step "evaluating on the held-out tasks beside the baselines and the ablation"
"$bin" eval --run runs/default --run runs/without-stage1 --baselines --episodes 1000 --seed 0 \
    --data ../shared/data/safemcp/stage2_test.jsonl --format safemcp | tee runs/default/eval-suites.txt

step "report"
"$bin" report runs/default
"$bin" curves runs/default

cat <<NOTE

Finished in $((SECONDS - started)) s.
Policy bundle:     runs/default/policy.h5 (safemcp proxy --policy runs/default/policy.h5 -- CMD ...)
Evaluation:        runs/default/eval-suites.txt (held-out tasks and SafeMCP test rows, above);
                   runs/default/eval.json (labelled steps, validation and test)
Curves:            runs/default/report.html (open in a browser), or .venv/bin/tensorboard --logdir runs
NOTE
