#!/usr/bin/env bash
# Makes .venv-torch, the PyTorch that `safemcp-bench` measures its stage-2 training step
# against, then prints PyTorch's figures (tools/bench_torch_stage2.py; arguments pass through),
# or with --setup-only stops after making it. Idempotent: pip runs again only when
# tools/requirements-torch.txt changes. `make bench` runs it; `make test` never needs it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv-torch"
requirements="$root/tools/requirements-torch.txt"

log() { printf 'bench-torch: %s\n' "$*" >&2; }
# shellcheck source=tools/venv.sh
. "$root/tools/venv.sh"

ensure_requirements "$venv" "$requirements" .requirements-installed "PyTorch"
if [ "${1:-}" != "--setup-only" ]; then
    exec "$venv/bin/python" "$root/tools/bench_torch_stage2.py" "$@"
fi
