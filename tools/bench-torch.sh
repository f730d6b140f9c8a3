#!/usr/bin/env bash
# Makes .venv-torch, the references `safemcp-bench` measures in the same run as ours: PyTorch
# (stage-2 training step, action classifier), sentence-transformers and ONNX Runtime (encoder;
# tools/bench_encoder_reference.py exports the ONNX file into .venv-torch/onnx on first use).
# Then prints PyTorch's stage-2 figures (tools/bench_torch_stage2.py; arguments pass through),
# or with --setup-only stops after making it. Idempotent: pip runs again only when
# tools/requirements-torch.txt changes. `make bench` runs it; `make test` never needs it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv-torch"
requirements="$root/tools/requirements-torch.txt"

log() { printf 'bench-torch: %s\n' "$*" >&2; }
# shellcheck source=tools/venv.sh
. "$root/tools/venv.sh"

ensure_requirements "$venv" "$requirements" .requirements-installed "the benchmark references"
if [ "${1:-}" != "--setup-only" ]; then
    exec "$venv/bin/python" "$root/tools/bench_torch_stage2.py" "$@"
fi
