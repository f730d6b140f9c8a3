#!/usr/bin/env bash
# The seed table of the README: the default job of `make run` trained as several disjoint
# ensembles of three seeds (default 7,1,2 — make run's own — then 3,4,5 and 6,8,9), each trained
# and exported as make run exports its bundle (train_ensemble of tools/ensemble.sh), and each
# member exported alone too; every bundle is evaluated served, as the proxy serves it, on the
# public dev suites, HarmActions, the own held-out tasks and the SafeMCP test rows. Prints each
# headline row per ensemble with the mean ± std over the ensembles, then over the single runs.
# It reports; nothing reads its figures back to choose (the SafeMCP row is the test split).
# Run after `make run` (it reuses runs/data). Arguments: the safemcp binary (a release build),
# then optionally the ensembles, each as comma-joined seeds. A bundle already exported is reused,
# so a stopped run resumes where it stopped. Writes runs/seed-table-GROUP_GROUP.../table.txt
# (each group's seeds joined by "-"), with each evaluation's progress in NAME-KIND.log beside it.
set -euo pipefail

usage="usage: tools/seed-ensembles.sh SAFEMCP_BINARY [SEED,SEED,SEED...]"
bin=${1:?$usage}
shift
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(7,1,2 3,4,5 6,8,9)
[ ${#groups[@]} -ge 2 ] || { echo "give at least two ensembles, for a standard deviation; $usage" >&2; exit 2; }
for group in "${groups[@]}"; do
    [[ $group =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "not a comma-joined list of seeds: '$group'; $usage" >&2; exit 2; }
done
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=tools/ensemble.sh
. tools/ensemble.sh
data=../shared/data
[ -d runs/data/public ] || { echo "runs/data is missing: run make run first" >&2; exit 1; }
out=runs/seed-table-$(IFS=_; echo "${groups[*]//,/-}")
mkdir -p "$out"

# evaluate BUNDLE NAME: the public dev suites with HarmActions, and the own held-out tasks with
# the SafeMCP test rows, as JSON (the table's shape) into $out/NAME-public.json and -own.json.
evaluate() {
    "$bin" eval --bundle "$1" --episodes 1000 --seed 0 --envs-dir runs/data/public --split all \
        --data "$data/harmactions/harmactions_dataset.json" --format harmactions --json > "$out/$2-public.json" 2> "$out/$2-public.log"
    "$bin" eval --bundle "$1" --episodes 1000 --seed 0 \
        --data "$data/safemcp/stage2_test.jsonl" --format safemcp --json > "$out/$2-own.json" 2> "$out/$2-own.log"
}

ensembles=() singles=()
for group in "${groups[@]}"; do
    IFS=, read -r -a seeds <<< "$group"
    tag=${group//,/-}
    bundle=$out/ensemble-$tag.h5
    if [ ! -f "$bundle" ]; then
        printf '\n== ensemble of seeds %s: training at once\n' "${seeds[*]}" >&2
        train_ensemble "$bundle" configs/default.yaml seeds "$tag" --set baselines.enabled=false
    fi
    evaluate "$bundle" "ensemble-$tag"
    ensembles+=("ensemble-$tag")
    for seed in "${seeds[@]}"; do
        single=$out/single-$seed.h5
        [ -f "$single" ] || "$bin" export --run "runs/seeds-$seed-$tag" --out "$single" > /dev/null
        evaluate "$single" "single-$seed"
        singles+=("single-$seed")
    done
    printf '== ensemble of seeds %s evaluated (%s)\n' "${seeds[*]}" "$(date -u +%H:%M:%S)" >&2
done

.venv/bin/python - "$out" "${ensembles[*]}" "${singles[*]}" <<'PY' | tee "$out/table.txt"
import json, statistics, sys

out, ensembles, singles = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
# (label, file, table title before its colon, column)
ROWS = [(f"{suite} {name}", "public", title, column)
        for suite, title in (("PowerSeeking dev", "powerseeking-dev"), ("ToolEmu public", "toolemu-public"),
                             ("AgentHarm validation", "agentharm-validation (evaluation only)"))
        for name, column in (("Safety", "safety"), ("Utility", "utility"), ("Libra", "libra"))]
ROWS += [("AgentHarm harm score", "public", "agentharm-validation (evaluation only)", "harm_score"),
         ("AgentHarm refusal rate", "public", "agentharm-validation (evaluation only)", "refusal_rate"),
         ("AgentHarm benign score", "public", "agentharm-validation (evaluation only)", "benign_score"),
         ("HarmActions accuracy", "public", "../shared/data/harmactions/harmactions_dataset.json", "accuracy"),
         ("SafeMCP test macro-F1", "own", "../shared/data/safemcp/stage2_test.jsonl", "macro_f1"),
         ("own held-out Libra", "own", "all suites", "libra")]


def values(name):
    tables = {kind: {table["title"].split(": ")[0]: table["rows"][0]["values"]
                     for table in json.load(open(f"{out}/{name}-{kind}.json"))["tables"]}
              for kind in ("public", "own")}
    return [tables[kind][title][column] for _, kind, title, column in ROWS]


def show(heading, names):
    table = [values(name) for name in names]
    print(heading)
    print(f"  {'':24s} " + " ".join(f"{name.split('-', 1)[1]:>7s}" for name in names) + "   mean ± std")
    for index, (label, *_) in enumerate(ROWS):
        column = [row[index] for row in table]
        print(f"  {label:24s} " + " ".join(f"{value:7.3f}" for value in column)
              + f"   {statistics.mean(column):.3f} ± {statistics.stdev(column):.3f}")


show(f"The default job as {len(ensembles)} ensembles of seeds, served (1,000 episodes, eval seed 0):", ensembles)
print()
show(f"Their {len(singles)} single runs, each exported alone:", singles)
PY
