"""parse_ensemble_arguments of tools/ensemble.sh, the argument list that tools/leave-one-out.sh and
tools/cross-validate.sh share: the seeds, the --set options for training, the --export options,
the folder tags built from them, and a malformed list refused with the usage and status 2."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENSEMBLE = ROOT / "tools" / "ensemble.sh"

# Prints each variable the function sets on its own line, arrays with "|" between items.
SHOW = '''
set -euo pipefail
. "$0"
parse_ensemble_arguments "usage: test" "$ALLOWED" "$@"
join() { local IFS='|'; echo "$*"; }
join "${seeds[@]}"
join ${candidate[@]+"${candidate[@]}"}
echo "$tag"
join ${export_options[@]+"${export_options[@]}"}
echo "$export_tag"
'''


def parse(allowed, *arguments):
    return subprocess.run(["bash", "-c", SHOW, str(ENSEMBLE), *arguments], env={"ALLOWED": allowed, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)


def test_no_arguments_give_make_runs_seeds_and_no_options():
    result = parse("--set --export")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:5] == ["7|1|2", "", "", "", ""]


def test_seeds_then_set_and_export_options_in_order_with_their_folder_tags():
    result = parse("--set --export", "3", "4", "--set", "stage3.steps=10", "--export", "--request-screen",
                   "--set", "features.floor=false")
    assert result.returncode == 0, result.stderr
    seeds, candidate, tag, exports, export_tag = result.stdout.split("\n")[:5]
    assert seeds == "3|4"
    assert candidate == "--set|stage3.steps=10|--set|features.floor=false"
    assert tag == "-stage3.steps_10-features.floor_false"
    assert exports == "--request-screen"
    assert export_tag == "-export__request_screen"


def test_an_option_the_caller_does_not_take_is_refused_before_or_after_the_seeds():
    # cross-validate.sh takes --export only: its folds are dealt by the first seed, a --set
    # candidate has no place there; before this function it took "--set" for a seed.
    for arguments in [("--set", "x=1"), ("7", "--export", "--request-screen", "--set", "x=1"), ("7", "--seeds", "1")]:
        result = parse("--export", *arguments)
        assert result.returncode == 2, arguments
        assert "usage: test" in result.stderr
    assert parse("--set --export", "--set", "x=1").returncode == 0


def test_an_option_without_its_value_is_refused_with_the_usage():
    result = parse("--set --export", "7", "--set")
    assert result.returncode == 2
    assert "usage: test" in result.stderr
    assert result.stdout == ""
