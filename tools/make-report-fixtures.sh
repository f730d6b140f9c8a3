#!/usr/bin/env bash
# Rewrites the fixture runs in Tests/ReportTests/Fixtures (run-a, run-b) from their generator,
# Tests/ReportTests/ReportFixtures.swift, which logs through MetricsLog so metrics.jsonl,
# metrics.csv and the TensorBoard event file are real. Run it after changing the generator.
set -euo pipefail
cd "$(dirname "$0")/.."
SAFEMCP_WRITE_REPORT_FIXTURES=1 swift test --filter ReportFixtureTests
