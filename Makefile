# The two commands of the README, plus the benchmark. Each starts with the idempotent setup.
SWIFT ?= swift
PYTHON := $(CURDIR)/.venv/bin/python
# Training results depend on the BLAS thread count; fix it so runs are reproducible.
OPENBLAS_NUM_THREADS ?= 2
export OPENBLAS_NUM_THREADS

# `make sweep SWEEP=FILE`: every (variant, seed) task of a sweep file on a local Ray cluster
# (docs/sweeps.md); the seed tables of docs/experiments.md come from sweeps/readme-seeds.yaml.
SWEEP ?= sweeps/readme-seeds.yaml

.PHONY: setup setup-run build test run bench sweep

setup:
	@tools/setup.sh

# What the main job uses alone: no Chromium, Ray or JSON Schema Test Suite (tests only).
setup-run:
	@tools/setup.sh run

build: setup
	$(SWIFT) build

# `swift test` need not link the executable, which the screenshot check and the proxy tests
# (the Python MCP client against the real proxy) start as a process.
test: setup
	SAFEMCP_PYTHON=$(PYTHON) $(SWIFT) test
	$(SWIFT) build
	SAFEMCP_PYTHON=$(PYTHON) tools/check-report-screenshot.sh
	SAFEMCP_BIN=$(CURDIR)/.build/debug/safemcp $(PYTHON) -m pytest Tests/proxy -q
	SAFEMCP_BIN=$(CURDIR)/.build/debug/safemcp $(PYTHON) -m pytest Tests/sweep -q

# run.sh builds the release binary itself, so the build is timed as one of its phases.
# `make run ABLATION=1` also trains and evaluates the job without stage 1; the bundle is an
# ensemble of the default run and one run per seed of ENSEMBLE_SEEDS (`make run ENSEMBLE_SEEDS=`:
# the default run alone).
ABLATION ?= 0
ENSEMBLE_SEEDS ?= 1 2
run: setup-run
	SWIFT=$(SWIFT) SAFEMCP_PYTHON=$(PYTHON) SAFEMCP_ABLATION=$(ABLATION) ENSEMBLE_SEEDS="$(ENSEMBLE_SEEDS)" tools/run.sh $(CURDIR)/.build/release/safemcp

sweep: setup
	$(SWIFT) build -c release --product safemcp
	$(PYTHON) tools/sweep.py $(SWEEP) --bin $(CURDIR)/.build/release/safemcp

# The training section compares with PyTorch in .venv-torch, which bench-torch.sh makes.
bench: setup
	$(SWIFT) build -c release
	tools/bench-torch.sh --setup-only
	.build/release/safemcp-bench
