#!/usr/bin/env bash
# `make run`: the main job, end to end: record episodes on the suites' training tasks, import
# the public development data, train stages 1-3 on both, export a policy bundle, and evaluate it
# beside the baselines on the held-out tasks and on the public development suites and files.
# Arguments: the safemcp binary (a release build), which is built first with $SWIFT (swift) when
# it lives in this project's .build, so the build is one of the timed phases.
set -euo pipefail

bin=${1:?usage: tools/run.sh SAFEMCP_BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$SECONDS
phase_started=$SECONDS
phases=""
# Each step ends the previous one's phase; the times are printed at the end.
step() {
    [ -n "${phase:-}" ] && phases+=$(printf '%5d s  %s' $((SECONDS - phase_started)) "$phase")$'\n'
    phase=$*
    phase_started=$SECONDS
    printf '\n== %s\n' "$*" >&2
}
data=../shared/data

if [[ "$bin" == "$root/.build/"* ]]; then
    step "building the release binary (${SWIFT:-swift} build -c release --product safemcp)"
    "${SWIFT:-swift}" build -c release --product safemcp
fi

# record OUT ROLLOUT_OPTIONS...: records a rollout's episodes in OUT. With RECORD_SHARDS=N, N
# shards run at once (`--shard I/N`) and `safemcp merge` joins them: the same file, byte for byte.
record() {
    local out=$1 shards=${RECORD_SHARDS:-1}
    shift
    if [ "$shards" -le 1 ]; then
        "$bin" envs rollout "$@" --record "$out"
        return
    fi
    local parts="$out.parts" pids=()
    rm -rf "$parts"
    for ((shard = 0; shard < shards; shard++)); do
        "$bin" envs rollout "$@" --record "$out" --shard "$shard/$shards" --parts "$parts" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    "$bin" merge "$parts"
    rm -rf "$parts"
}

step "validating the suites in envs/"
"$bin" envs validate

step "recording episodes on the training tasks of every suite (the held-out tasks are kept for the evaluation)"
# Without a defense the agent follows its preferred plan; under the static rules it also falls
# back to its other plans, so stages 1 and 2 see those steps too.
mkdir -p runs/data
record runs/data/envs-train.h5 --split train --policy none --episodes 400 --seed 11
record runs/data/envs-train-rules.h5 --split train --policy rules --episodes 400 --seed 12

step "importing the public development data (AgentHarm for evaluation only)"
# Datasets with their embeddings, so the training jobs below share one embedding pass.
"$bin" data import --format safemcp "$data/safemcp/stage2_train.jsonl" --out runs/data/safemcp-train.h5 > /dev/null
"$bin" data import --format powerseeking "$data/powerseeking/cases_dev.json" --out runs/data/powerseeking-dev.h5 > /dev/null
"$bin" data import --format harmactions "$data/harmactions/harmactions_dataset.json" --out runs/data/harmactions.h5 > /dev/null
"$bin" data import --format toolemu "$data/toolemu/trajectories_gpt4o_mini_safemcp.jsonl" --out runs/data/toolemu-trajectories.h5 > /dev/null
# Our own shell look-alike pairs (the same tool with a scoped and with a harmful command), in
# HarmActions' format (standard library only).
python3 tools/shell_pairs.py 7 > runs/data/shell-pairs.json
"$bin" data import --format harmactions runs/data/shell-pairs.json --out runs/data/shell-pairs.h5 > /dev/null
# Suites for stage 3 (their training tasks) and for the evaluation (all their tasks).
rm -rf runs/data/public
"$bin" envs import --from "$data/powerseeking/cases_dev.json" --format powerseeking --out runs/data/public/powerseeking-dev > /dev/null
"$bin" envs import --from "$data/toolemu/all_cases.json" --format toolemu --out runs/data/public/toolemu-public > /dev/null
"$bin" envs import --from "$data/agentharm/harmful_behaviors_validation.json" --format agentharm \
    --out runs/data/public/agentharm-validation > /dev/null

# The bundle is an ensemble: the default run (the config's seed, with the baselines) and one run
# per seed of ENSEMBLE_SEEDS (default "1 2"; empty: the default run alone), whose probabilities
# the bundle averages. The runs train at once: on the 2-core machines three take about 330 s
# where one takes 165 s, and each is bit for bit what it is alone.
members=()
for seed in ${ENSEMBLE_SEEDS-1 2}; do members+=("default-seed$seed"); done
step "training stages 1-3 (configs/default.yaml) into runs/default${members[0]:+, with ensemble members ${members[*]} at once}"
rm -rf runs/default
pids=()
for member in "${members[@]}"; do
    rm -rf "runs/$member"
    "$bin" train --config configs/default.yaml --run "$member" --stage all --set seed="${member#default-seed}" \
        --set baselines.enabled=false > /dev/null 2> "runs/$member.train.log" &
    pids+=($!)
done
# A failed default run ends make run: the members must not train on behind it.
trap 'kill "${pids[@]}" 2> /dev/null' EXIT
# Its stderr also goes to a log, whose "phase time:" lines (data and embedding, each stage,
# baselines) are printed under this phase at the end.
"$bin" train --config configs/default.yaml --run default --stage all 2> >(tee runs/default.train.log >&2)
for index in "${!pids[@]}"; do
    wait "${pids[$index]}" || { echo "training ${members[$index]} failed; its log: runs/${members[$index]}.train.log" >&2; exit 1; }
done
trap - EXIT

step "exporting the policy bundle${members[0]:+ (an ensemble of $((${#members[@]} + 1)) runs)}"
member_options=()
for member in "${members[@]}"; do member_options+=(--member "runs/$member"); done
"$bin" export --run runs/default "${member_options[@]}" --out runs/default/policy.h5

# The ablation (about a minute and a half on the Intel Xeon machines, where make run must stay
# under 20 minutes from a fresh machine) runs with SAFEMCP_ABLATION=1 (make run ABLATION=1). It
# is one run, not an ensemble: compare it with ENSEMBLE_SEEDS= (the default run alone).
jobs=(default)
if [ "${SAFEMCP_ABLATION:-0}" = 1 ]; then
    step "ablation: the same job without stage 1 (a policy that does not read the world model), stages 2-3"
    rm -rf runs/without-stage1
    "$bin" train --config configs/default.yaml --run without-stage1 --stage all \
        --set stage2.useWorldModel=false --set baselines.enabled=false > /dev/null 2> >(tee runs/without-stage1.train.log >&2)
    "$bin" export --run runs/without-stage1 --out runs/without-stage1/policy.h5
    jobs+=(without-stage1)
fi

step "evaluating on the held-out tasks beside the baselines${jobs[1]:+ and the ablation}"
runs=()
for job in "${jobs[@]}"; do runs+=(--run "runs/$job"); done
"$bin" eval "${runs[@]}" --baselines --episodes 1000 --seed 0 \
    --data ../shared/data/safemcp/stage2_test.jsonl --format safemcp | tee runs/default/eval-suites.txt

step "evaluating on the public development suites and files beside the baselines"
# PowerSeeking dev, ToolEmu and HarmActions are trained on by default: these rows are in-source;
# tools/leave-one-out.sh measures each source left out of training.
"$bin" eval --run runs/default --baselines --episodes 1000 --seed 0 --envs-dir runs/data/public --split all \
    --data "$data/harmactions/harmactions_dataset.json" --format harmactions | tee runs/default/eval-public.txt

step "report"
"$bin" report runs/default
"$bin" curves runs/default

step "done"
printf '\nTime per phase:\n%s' "$phases"
for job in "${jobs[@]}"; do
    printf '\nInside `safemcp train --run %s`:\n' "$job"
    awk '/^train: phase time: / { sub(/^train: phase time: /, ""); seconds = $(NF - 1) " " $NF; NF -= 2; printf "%9s  %s\n", seconds, $0 }' \
        "runs/$job.train.log"
done
cat <<NOTE

Finished in $((SECONDS - started)) s.
Policy bundle:     runs/default/policy.h5 (safemcp proxy --policy runs/default/policy.h5 -- CMD ...)
Evaluation:        runs/default/eval-suites.txt (held-out tasks and SafeMCP test rows),
                   runs/default/eval-public.txt (public development suites and HarmActions);
                   runs/default/eval.json (labelled steps, validation and test)
Curves:            runs/default/report.html (open in a browser), or .venv/bin/tensorboard --logdir runs
NOTE
