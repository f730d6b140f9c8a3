#!/usr/bin/env bash
# The sweep as a Slurm job array: one array element per (variant, seed) task of the sweep file,
# each running `tools/sweep.py FILE --task I` (train, export, eval: the same commands as on Ray),
# then one job, after every element succeeded, that prints the mean ± std table and writes the
# report. Needs a shared filesystem: every node runs in this folder with the same binary.
#
#   tools/sweep-slurm.sh SWEEP.yaml [--dry-run] [--bin SAFEMCP] [--python PYTHON] [-- SBATCH OPTIONS...]
#
# --dry-run prints the array script, the commands of every task and the sbatch calls, and
# submits nothing. Finished tasks are skipped when an element runs again, so resubmitting after
# a failure reruns only what did not finish.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sweep=""
dry_run=false
bin=""
python="$root/.venv/bin/python"
sbatch_options=()
while (($#)); do
    case $1 in
        --dry-run) dry_run=true ;;
        --bin) bin=${2:?--bin needs a path}; shift ;;
        --python) python=${2:?--python needs a path}; shift ;;
        --) shift; sbatch_options=("$@"); break ;;
        -h|--help) sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "sweep-slurm: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) [ -z "$sweep" ] || { echo "sweep-slurm: one sweep file, not also $1" >&2; exit 2; }; sweep=$1 ;;
    esac
    shift
done
[ -n "$sweep" ] || { echo "usage: tools/sweep-slurm.sh SWEEP.yaml [--dry-run] [--bin SAFEMCP] [-- SBATCH OPTIONS...]" >&2; exit 2; }
if [ -z "$bin" ]; then
    for build in release debug; do
        [ -x "$root/.build/$build/safemcp" ] && { bin="$root/.build/$build/safemcp"; break; }
    done
fi
[ -x "$bin" ] || { echo "sweep-slurm: no safemcp binary (build it, or pass --bin)" >&2; exit 2; }

plan=$("$bin" sweep plan "$sweep" --json)
read -r out threads count < <("$python" -c 'import json, sys; p = json.load(sys.stdin); print(p["out"], p["threads"], len(p["tasks"]))' <<<"$plan")
array="$out/tasks/slurm-array.sh"
script=$(cat <<SCRIPT
#!/usr/bin/env bash
#SBATCH --job-name=safemcp-sweep
#SBATCH --array=0-$((count - 1))
#SBATCH --cpus-per-task=$threads
#SBATCH --output=$out/tasks/slurm-%A_%a.log
set -euo pipefail
cd $(printf '%q' "$PWD")
exec $(printf '%q' "$python") $(printf '%q' "$root/tools/sweep.py") $(printf '%q' "$sweep") --bin $(printf '%q' "$bin") --task "\$SLURM_ARRAY_TASK_ID"
SCRIPT
)
quoted_options=""
for option in "${sbatch_options[@]}"; do quoted_options+=" $(printf '%q' "$option")"; done
table_command="$(printf '%q' "$python") $(printf '%q' "$root/tools/sweep.py") $(printf '%q' "$sweep") --bin $(printf '%q' "$bin") --serial"

if $dry_run; then
    printf '# %s (not written: dry run)\n%s\n\n' "$array" "$script"
    printf '# array element I runs task I of the plan:\n'
    "$bin" sweep plan "$sweep" | sed 's/^/#   /'
    printf '\nsbatch --parsable%s %s\n' "$quoted_options" "$array"
    printf 'sbatch --dependency=afterok:JOB --job-name=safemcp-sweep-table --output=%s%s --wrap %q\n' \
        "$out/tasks/slurm-table.log" "$quoted_options" "$table_command"
    exit 0
fi
command -v sbatch > /dev/null || { echo "sweep-slurm: sbatch not found: run on a Slurm login node (or use tools/sweep.py, on Ray)" >&2; exit 2; }
mkdir -p "$out/tasks"
printf '%s\n' "$script" > "$array"
job=$(sbatch --parsable "${sbatch_options[@]}" "$array")
table_job=$(sbatch --parsable --dependency="afterok:${job%%;*}" --job-name=safemcp-sweep-table --output="$out/tasks/slurm-table.log" \
    "${sbatch_options[@]}" --wrap "$table_command")
echo "submitted array job $job ($count tasks) and table job $table_job; the table lands in $out/tasks/slurm-table.log and $out/sweep.json"
