# Sourced by leave-one-out.sh, cross-validate.sh and seed-ensembles.sh, whose bundles are ensembles
# as make run's is
# (tools/run.sh, which trains its default run in the foreground beside the other seeds).
#
# parse_ensemble_arguments USAGE OPTIONS ARGUMENT...: the seeds (default 7 1 2, as make run), then
# the options OPTIONS names ("--set --export" or "--export"), each with its value, into the
# caller's `seeds`, `candidate` (the --set options, as `$bin train` takes them), `tag` (their
# values joined, "-" before each), `export_options` (the --export values) and `export_tag`
# ("-export" before each). Folder names hold an option's letters, digits and dots, its other
# characters as "_". A malformed list (an option OPTIONS does not name, one without its value)
# prints USAGE and ends the caller with status 2.
parse_ensemble_arguments() {
    local usage=$1 allowed=" $2 "
    shift 2
    seeds=()
    candidate=()
    tag=
    export_options=()
    export_tag=
    while [ $# -gt 0 ] && [[ $allowed != *" $1 "* ]]; do
        [[ $1 != -* ]] || { echo "$usage" >&2; exit 2; }
        seeds+=("$1")
        shift
    done
    [ ${#seeds[@]} -gt 0 ] || seeds=(7 1 2)
    while [ $# -gt 0 ]; do
        [[ $allowed == *" $1 "* ]] && [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
        case $1 in
            --set) candidate+=(--set "$2")
                tag=$tag-$(printf %s "$2" | tr -c 'A-Za-z0-9.' _) ;;
            --export) export_options+=("$2")
                export_tag=$export_tag-export$(printf %s "$2" | tr -c 'A-Za-z0-9.' _) ;;
        esac
        shift 2
    done
}
#
# train_ensemble BUNDLE CONFIG PREFIX SUFFIX [TRAIN OPTION...]: one run per seed of the caller's
# `seeds` array, runs/PREFIX-SEED-SUFFIX, trained at once with `$bin train` (stderr in
# runs/RUN.train.log), then exported into BUNDLE with the first seed's run first and the others
# as --member (export_ensemble, below). A failed training ends the caller, naming the run's log.
train_ensemble() {
    local bundle=$1 config=$2 prefix=$3 suffix=$4
    shift 4
    local pids=() runs=() seed run index
    for seed in "${seeds[@]}"; do
        run=$prefix-$seed-$suffix
        rm -rf "runs/$run"
        "$bin" train --config "$config" --run "$run" --stage all --set seed="$seed" "$@" > /dev/null 2> "runs/$run.train.log" &
        pids+=($!)
        runs+=("$run")
    done
    for index in "${!pids[@]}"; do
        wait "${pids[$index]}" || { echo "training ${runs[$index]} failed; its log: runs/${runs[$index]}.train.log" >&2; exit 1; }
    done
    export_ensemble "$bundle" "$prefix" "$suffix"
}

# runs_exist PREFIX SUFFIX: whether every seed's run runs/PREFIX-SEED-SUFFIX is there.
runs_exist() {
    local seed
    for seed in "${seeds[@]}"; do [ -f "runs/$1-$seed-$2/run.json" ] || return 1; done
}

# export_ensemble BUNDLE PREFIX SUFFIX: the runs runs/PREFIX-SEED-SUFFIX of the caller's seeds,
# exported into BUNDLE as train_ensemble exports them, with the caller's `export_options` array
# (options for a candidate `safemcp export`, e.g. --request-screen; none when unset). Fails, and
# writes nothing, when a run is missing or unfinished.
export_ensemble() {
    local bundle=$1 prefix=$2 suffix=$3 seed
    local members=()
    for seed in "${seeds[@]:1}"; do members+=(--member "runs/$prefix-$seed-$suffix"); done
    "$bin" export --run "runs/$prefix-${seeds[0]}-$suffix" "${members[@]}" ${export_options[@]+"${export_options[@]}"} \
        --out "$bundle" > /dev/null
}
