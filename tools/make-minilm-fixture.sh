#!/usr/bin/env bash
# Regenerates Tests/TextEncoderTests/Fixtures/minilm.json: token ids and embeddings computed by
# sentence-transformers (PyTorch) for the texts in tools/make-minilm-fixture.py. Its heavy
# dependencies live in their own .venv-fixtures so `make test` never needs torch.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv-fixtures"
requirements="$root/tools/requirements-fixtures.txt"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
stamp="$venv/.requirements-installed"
if ! cmp -s "$requirements" "$stamp"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$stamp"
fi
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 "$venv/bin/python" "$root/tools/make-minilm-fixture.py" \
    "$root/Tests/TextEncoderTests/Fixtures/minilm.json"
