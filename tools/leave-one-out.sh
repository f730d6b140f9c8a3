#!/usr/bin/env bash
# The leave-one-source-out table: for each public development source, the default job trained
# without it (data.leaveOut; its stage-3 suite is not rolled out either, and early stopping
# selects on it; stage 3 skips its periodic greedy episodes, which only log), beside the default
# bundle that trained on it (runs/default, from `make run`), both evaluated on that source. The
# bundle of make run is an ensemble of seeds 7, 1 and 2, so each left-out bundle is too: one run
# per seed, trained at once, exported with --member. Run after `make run` (it reuses runs/data).
# The SafeMCP row is scored on the stage-2 training rows, which the bundle trained without it has
# never seen, so no choice made on this table reads the SafeMCP test rows.
# Arguments: the safemcp binary (a release build), then optionally the seeds (default: 7 1 2, as
# make run; one seed gives single runs), then optionally `--set KEY=VALUE` options for a candidate
# change to the default job, given to every training. Writes runs/loso-SEEDS[-KEY_VALUE...]/table.txt
# (seeds and options joined by "-", an option's other characters than letters, digits and dots as "_").
# `--export OPTION` (repeatable) judges a candidate `safemcp export` option instead, e.g.
# `--export --request-screen`: the runs the same seeds and --set options trained are exported
# again with it when they are all there (train them first without --export), else trained; the
# table goes to runs/loso-SEEDS[-KEY_VALUE...]-export-OPTION.../.
set -euo pipefail

usage="usage: tools/leave-one-out.sh SAFEMCP_BINARY [SEED...] [--set KEY=VALUE...] [--export OPTION...]"
bin=${1:?$usage}
shift
# shellcheck source=tools/ensemble.sh
. "$(dirname "$0")/ensemble.sh"
parse_ensemble_arguments "$usage" "--set --export" "$@"
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
data=../shared/data
name=$(IFS=-; echo "${seeds[*]}")$tag$export_tag
out=runs/loso-$name
mkdir -p "$out"
[ -f runs/default/policy.h5 ] || { echo "runs/default/policy.h5 is missing: run make run first" >&2; exit 1; }

measure() {
    case $1 in
        powerseeking-dev) echo "--envs-dir runs/data/public --suite powerseeking-dev --split all" ;;
        toolemu-public) echo "--envs-dir runs/data/public --suite toolemu-public --split all" ;;
        harmactions) echo "--no-suites --data $data/harmactions/harmactions_dataset.json --format harmactions" ;;
        safemcp) echo "--no-suites --data $data/safemcp/stage2_train.jsonl --format safemcp" ;;
    esac
}

for source in powerseeking-dev toolemu-public harmactions safemcp; do
    bundle=$out/without-$source.h5
    if [ ! -f "$bundle" ] && [ ${#export_options[@]} -gt 0 ] && runs_exist "loso$tag" "$source"; then
        printf '\n== exporting the runs trained without %s again, with %s\n' "$source" "${export_options[*]}" >&2
        export_ensemble "$bundle" "loso$tag" "$source"
    fi
    if [ ! -f "$bundle" ]; then
        printf '\n== training without %s (seeds %s, at once)\n' "$source" "${seeds[*]}" >&2
        train_ensemble "$bundle" configs/default.yaml "loso$tag" "$source" \
            --set "data.leaveOut=[$source]" --set baselines.enabled=false --set stage3.evalEpisodes=0 "${candidate[@]}"
    fi
    # shellcheck disable=SC2046
    "$bin" eval --bundle "$bundle" --run runs/default --baselines --episodes 1000 --seed 0 \
        $(measure "$source") > "$out/$source.txt"
done
{
    echo "Leave-one-source-out, seeds ${seeds[*]}${export_options[0]:+, exported with ${export_options[*]}}: [without-SOURCE.h5] trained without the source, [default] is runs/default (trained on it)."
    for source in powerseeking-dev toolemu-public harmactions safemcp; do
        echo
        grep -v '^$' "$out/$source.txt"
    done
} | tee "$out/table.txt"
