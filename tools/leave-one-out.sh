#!/usr/bin/env bash
# The leave-one-source-out table: for each public development source, the default job trained
# without it (data.leaveOut; its stage-3 suite is not rolled out either, and early stopping
# selects on it; stage 3 skips its periodic greedy episodes, which only log), beside the default
# job that trained on it (runs/default, from `make run`), both evaluated on that source. Run
# after `make run` (it reuses runs/data). Arguments: the safemcp binary (a release build), then
# optionally the seed (default 7). Writes runs/loso-SEED/table.txt.
set -euo pipefail

bin=${1:?usage: tools/leave-one-out.sh SAFEMCP_BINARY [SEED]}
seed=${2:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
data=../shared/data
out=runs/loso-$seed
mkdir -p "$out"
[ -f runs/default/policy.h5 ] || { echo "runs/default/policy.h5 is missing: run make run first" >&2; exit 1; }

# source name in configs/default.yaml → what measures it: a suite of runs/data/public, or a file.
measure() {
    case $1 in
        powerseeking-dev) echo "--envs-dir runs/data/public --suite powerseeking-dev --split all" ;;
        toolemu-public) echo "--envs-dir runs/data/public --suite toolemu-public --split all" ;;
        harmactions) echo "--no-suites --data $data/harmactions/harmactions_dataset.json --format harmactions" ;;
        safemcp) echo "--no-suites --data $data/safemcp/stage2_test.jsonl --format safemcp" ;;
    esac
}

for source in powerseeking-dev toolemu-public harmactions safemcp; do
    run=loso-$seed-$source
    if [ ! -f "runs/$run/policy.h5" ]; then
        rm -rf "runs/$run"
        printf '\n== training without %s (seed %s)\n' "$source" "$seed" >&2
        "$bin" train --config configs/default.yaml --run "$run" --stage all --set seed="$seed" \
            --set "data.leaveOut=[$source]" --set baselines.enabled=false --set stage3.evalEpisodes=0 > /dev/null
        "$bin" export --run "runs/$run" --out "runs/$run/policy.h5" > /dev/null
    fi
    # shellcheck disable=SC2046
    "$bin" eval --run "runs/$run" --run runs/default --baselines --episodes 1000 --seed 0 \
        $(measure "$source") > "$out/$source.txt"
done
{
    echo "Leave-one-source-out, seed $seed: [loso-$seed-SOURCE] trained without the source, [default] is runs/default (trained on it)."
    for source in powerseeking-dev toolemu-public harmactions safemcp; do
        echo
        grep -v '^$' "$out/$source.txt"
    done
} | tee "$out/table.txt"
