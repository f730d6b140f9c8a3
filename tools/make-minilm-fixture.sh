#!/usr/bin/env bash
# Regenerates Tests/TextEncoderTests/Fixtures/minilm.json: token ids and embeddings computed by
# sentence-transformers (PyTorch) for the texts in tools/make-minilm-fixture.py. Its heavy
# dependencies live in their own .venv-fixtures so `make test` never needs torch.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv-fixtures"
requirements="$root/tools/requirements-fixtures.txt"

log() { printf 'make-minilm-fixture: %s\n' "$*" >&2; }
# shellcheck source=tools/venv.sh
. "$root/tools/venv.sh"

ensure_requirements "$venv" "$requirements" .requirements-installed "sentence-transformers and PyTorch"
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 "$venv/bin/python" "$root/tools/make-minilm-fixture.py" \
    "$root/Tests/TextEncoderTests/Fixtures/minilm.json"
