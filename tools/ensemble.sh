# Sourced by leave-one-out.sh, cross-validate.sh and seed-ensembles.sh, whose bundles are ensembles
# as make run's is
# (tools/run.sh, which trains its default run in the foreground beside the other seeds).
#
# train_ensemble BUNDLE CONFIG PREFIX SUFFIX [TRAIN OPTION...]: one run per seed of the caller's
# `seeds` array, runs/PREFIX-SEED-SUFFIX, trained at once with `$bin train` (stderr in
# runs/RUN.train.log), then exported into BUNDLE with the first seed's run first and the others
# as --member. A failed training ends the caller, naming the run's log.
train_ensemble() {
    local bundle=$1 config=$2 prefix=$3 suffix=$4
    shift 4
    local pids=() runs=() members=() seed run index
    for seed in "${seeds[@]}"; do
        run=$prefix-$seed-$suffix
        rm -rf "runs/$run"
        "$bin" train --config "$config" --run "$run" --stage all --set seed="$seed" "$@" > /dev/null 2> "runs/$run.train.log" &
        pids+=($!)
        runs+=("$run")
        [ "$seed" = "${seeds[0]}" ] || members+=(--member "runs/$run")
    done
    for index in "${!pids[@]}"; do
        wait "${pids[$index]}" || { echo "training ${runs[$index]} failed; its log: runs/${runs[$index]}.train.log" >&2; exit 1; }
    done
    "$bin" export --run "runs/${runs[0]}" "${members[@]}" --out "$bundle" > /dev/null
}
