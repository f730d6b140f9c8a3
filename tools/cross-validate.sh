#!/usr/bin/env bash
# HarmActions, 5-fold cross-validated: the default job of `make run` trained on the other four
# folds of HarmActions in place of the whole of it (the other sources as they are; the fold is in
# no training batch and no validation split), and each bundle judged, served, on its fold. The
# bundle of make run is an ensemble of seeds 7, 1 and 2, so each fold's bundle is too: one run per
# seed, trained at once, exported with --member. Run after `make run` (it reuses runs/data).
# Arguments: the safemcp binary (a release build), then optionally the seeds (default: 7 1 2, as
# make run; one seed gives single runs). The folds are dealt by the first seed, so every seed list
# that starts with 7 is judged on the same folds. Writes runs/cv-harmactions-SEEDS/table.txt
# (seeds joined by "-"). `--export OPTION` (repeatable, after the seeds) judges a candidate
# `safemcp export` option, e.g. `--export --request-screen`: the fold runs of the same seeds are
# exported again with it when they are all there, else trained; the table goes to
# runs/cv-harmactions-SEEDS-export-OPTION.../.
set -euo pipefail

usage="usage: tools/cross-validate.sh SAFEMCP_BINARY [SEED...] [--export OPTION...]"
bin=${1:?$usage}
shift
# shellcheck source=tools/ensemble.sh
. "$(dirname "$0")/ensemble.sh"
parse_ensemble_arguments "$usage" --export "$@"
folds=5
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
data=../shared/data/harmactions/harmactions_dataset.json
name=$(IFS=-; echo "${seeds[*]}")$export_tag
out=runs/cv-harmactions-$name
[ -f runs/data/harmactions.h5 ] || { echo "runs/data is missing: run make run first" >&2; exit 1; }
grep -q "path: runs/data/harmactions.h5," configs/default.yaml || { echo "configs/default.yaml no longer trains on runs/data/harmactions.h5" >&2; exit 1; }
mkdir -p "$out"
.venv/bin/python tools/harmactions_folds.py "$data" "$folds" "$out" --seed "${seeds[0]}" >&2

for ((fold = 0; fold < folds; fold++)); do
    bundle=$out/fold-$fold.h5
    if [ ! -f "$bundle" ] && [ ${#export_options[@]} -gt 0 ] && runs_exist cv-harmactions "$fold"; then
        printf '\n== fold %s of %s: exporting its runs again, with %s\n' "$((fold + 1))" "$folds" "${export_options[*]}" >&2
        export_ensemble "$bundle" cv-harmactions "$fold"
    fi
    if [ ! -f "$bundle" ]; then
        printf '\n== fold %s of %s: training without its rows (seeds %s, at once)\n' "$((fold + 1))" "$folds" "${seeds[*]}" >&2
        "$bin" data import --format harmactions "$out/train-$fold.json" --out "$out/train-$fold.h5" > /dev/null
        sed "s#path: runs/data/harmactions.h5,#path: $out/train-$fold.h5,#" configs/default.yaml > "$out/config-$fold.yaml"
        train_ensemble "$bundle" "$out/config-$fold.yaml" cv-harmactions "$fold" \
            --set baselines.enabled=false --set stage3.evalEpisodes=0
    fi
    "$bin" eval --bundle "$bundle" --baselines --no-suites --data "$out/test-$fold.json" \
        --format harmactions --json > "$out/fold-$fold.json"
done
.venv/bin/python - "$out" "$folds" "${seeds[*]}${export_options[0]:+, exported with ${export_options[*]}}" <<'PY' | tee "$out/table.txt"
import json, sys
out, folds, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {}
for fold in range(folds):
    result = json.load(open(f"{out}/fold-{fold}.json"))
    table, states = result["tables"][0], result["data"][0]["states"]
    for row in table["rows"]:
        rows.setdefault(row["name"], []).append((states, row["values"]["accuracy"], row["values"]["macro_f1"]))
print(f"HarmActions, {folds}-fold cross-validated, seeds {seeds} (each fold judged by the bundle trained without it): accuracy over all rows, macro-F1 as the folds' mean weighted by their rows, then each fold's accuracy")
for name, folds_ in rows.items():
    total = sum(n for n, _, _ in folds_)
    accuracy = sum(n * a for n, a, _ in folds_) / total
    f1 = sum(n * f for n, _, f in folds_) / total
    print(f"  {name:28s} accuracy {accuracy:.3f}  macro-F1 {f1:.3f}  per fold " + " ".join(f"{a:.3f}" for _, a, _ in folds_))
PY
